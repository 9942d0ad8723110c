package io.kube4j.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link Kube4jTest}: starts one {@link Kube4jCluster} per test class
 * (kept in the class's extension store, so JUnit closes it after the class) and resolves
 * {@link KubernetesClient} and {@link Kube4jCluster} parameters.
 */
public final class Kube4jExtension implements ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(Kube4jExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        Class<?> type = p.getParameter().getType();
        return type == KubernetesClient.class || type == Kube4jCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        Kube4jCluster cluster = cluster(c);
        return p.getParameter().getType() == Kube4jCluster.class ? cluster : cluster.newClient();
    }

    private static Kube4jCluster cluster(ExtensionContext c) {
        ExtensionContext classContext = c;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        Class<?> testClass = classContext.getRequiredTestClass();
        Kube4jTest config = testClass.getAnnotation(Kube4jTest.class);
        String storage = config == null ? "memory" : config.storage();
        return classContext.getStore(NS).getOrComputeIfAbsent("cluster",
                k -> new CloseableCluster(Kube4jCluster.start(storage)), CloseableCluster.class).cluster();
    }

    /** Lets JUnit close the cluster with the class's store. */
    private record CloseableCluster(Kube4jCluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
