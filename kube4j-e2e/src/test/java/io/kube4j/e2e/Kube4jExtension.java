package io.kube4j.e2e;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * JUnit 5 extension behind {@link Kube4jE2E}: starts ONE {@code kube4j server} for the whole test run
 * (kept in the root {@link ExtensionContext.Store}, stopped when the run ends) and hands tests:
 * <ul>
 *   <li>{@link Kube4jServer}: the shared server;</li>
 *   <li>{@link Kubectl}: kubectl with the server's admin kubeconfig, no namespace flag;</li>
 *   <li>{@link TestNamespace}: a namespace created for this one test through the REST API (deleted afterwards), with a kubectl bound to it.</li>
 * </ul>
 * Thread-safe: the root store creates the server once even when classes run in parallel.
 */
public final class Kube4jExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(Kube4jExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Kubectl.binary(); // no kubectl: fail every test with a clear message, never skip
        server(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == Kube4jServer.class || type == Kubectl.class || type == TestNamespace.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        Kube4jServer server = server(extension);
        if (type == Kube4jServer.class) {
            return server;
        }
        Kubectl kubectl = Kubectl.forServer(server);
        if (type == Kubectl.class) {
            return kubectl;
        }
        String name = namespaceName(extension);
        NamespaceFixture fixture = extension.getRoot().getStore(STORE)
                .getOrComputeIfAbsent("namespaces-" + server.port(), key -> new NamespaceFixture(server),
                        NamespaceFixture.class);
        try {
            fixture.create(name);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("cannot create the test's namespace " + name + ": " + e.getMessage(), e);
        }
        // deleted without waiting: the next test does not depend on it, and the server finishes in the background
        extension.getStore(STORE).put("namespace-" + name, (AutoCloseable) () -> fixture.delete(name));
        return new TestNamespace(name, kubectl.inNamespace(name));
    }

    private static Kube4jServer server(ExtensionContext context) {
        boolean apiOnly = context.getRequiredTestClass().getAnnotation(Kube4jE2E.class) != null
                && context.getRequiredTestClass().getAnnotation(Kube4jE2E.class).apiOnly();
        return context.getRoot().getStore(STORE).getOrComputeIfAbsent(apiOnly ? "api-server" : "server", key -> {
            try {
                return apiOnly ? Kube4jServer.startFresh("api") : Kube4jServer.startFresh("shared", true, sharedFlags());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Kube4jServer.class);
    }

    /** The first address of the shared cluster's ServiceLB pool; the pool holds {@link #LB_POOL_SIZE}. */
    public static final String LB_POOL_FIRST = "127.0.0.100";
    public static final int LB_POOL_SIZE = 4;

    /**
     * Flags of the shared cluster server, so the services tests need no server of their own: a ServiceLB pool in
     * 127.0.0.0/8, free ingress ports, and a cluster DNS upstream on a free 127.0.0.1 port that only DnsIT serves
     * (queries for other names fail fast meanwhile; none ever leaves the machine). Tests read them with
     * {@link Kube4jServer#flag}.
     */
    private static String[] sharedFlags() throws IOException {
        int http = Kube4jServer.freePort();
        int https = Kube4jServer.freePort();
        while (https == http) {
            https = Kube4jServer.freePort();
        }
        return new String[]{
                "--service-lb-pool", LB_POOL_FIRST + "-127.0.0." + (100 + LB_POOL_SIZE - 1),
                "--ingress-http-port", Integer.toString(http),
                "--ingress-https-port", Integer.toString(https),
                "--cluster-dns-upstream", "127.0.0.1:" + Kube4jServer.freeTcpAndUdpPort()};
    }

    private static String namespaceName(ExtensionContext context) {
        String cls = context.getRequiredTestClass().getSimpleName().replaceFirst("IT$", "");
        String method = context.getTestMethod().map(m -> m.getName()).orElse("class");
        String base = (cls + "-" + method).replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]", "-").replaceAll("-+", "-");
        if (base.length() > 56) {
            base = base.substring(0, 56);
        }
        base = base.replaceAll("-+$", "");
        return base + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }
}
