package io.kube4j.e2e;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an end-to-end test class: real kubectl against a shared real {@code kube4j server} (see
 * {@link Kube4jExtension}): by default the whole cluster (node, scheduler, controllers); with {@code apiOnly} a
 * server running the API alone, for tests of API semantics whose objects must stay as created (pods Pending,
 * nothing reconciled), as upstream's API server behaves without a scheduler and controllers.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Kube4jExtension.class)
public @interface Kube4jE2E {
    boolean apiOnly() default false;
}
