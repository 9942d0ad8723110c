package io.kube4j.e2e;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks an end-to-end test class: real kubectl against the shared real {@code kube4j server} (see {@link Kube4jExtension}). */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Kube4jExtension.class)
public @interface Kube4jE2E {
}
