package io.kube4j.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated test class against a real kube4j cluster started in the test's JVM. Test
 * methods and lifecycle methods may take a {@code KubernetesClient} (admin, namespace "default") or
 * a {@link Kube4jCluster} parameter. One cluster serves the whole class and stops after it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(Kube4jExtension.class)
public @interface Kube4jTest {
    /** "memory" (default, fastest) or "embedded" (SQLite in a temporary directory). */
    String storage() default "memory";
}
