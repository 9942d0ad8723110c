package io.kube4j.ingress;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.ingress.proxy.ProxyServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube4j's built-in ingress controller: the {@link IngressController} (IngressClass, informers, routing table,
 * status) and the {@link ProxyServer} data plane reading its table. Started by {@code kube4j server} after its node;
 * {@link #close} stops everything it started.
 */
public final class Kube4jIngress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Kube4jIngress.class);

    private final IngressController controller;
    private final ProxyServer proxy;

    private Kube4jIngress(IngressController controller, ProxyServer proxy) {
        this.controller = controller;
        this.proxy = proxy;
    }

    /** Starts the controller and the proxy; throws (having stopped what it started) when a port can't be bound. */
    public static Kube4jIngress start(KubernetesClient kube, IngressOptions options) throws Exception {
        IngressController controller = new IngressController(kube, options).start();
        try {
            ProxyServer proxy = ProxyServer.start(controller::table, options.bindAddress(), options.httpPort(),
                    options.httpsPort(), options.eventLoops());
            LOG.info("ingress controller serving http={} https={} class={}", proxy.httpPort(), proxy.httpsPort(),
                    IngressOptions.CLASS_NAME);
            return new Kube4jIngress(controller, proxy);
        } catch (Exception e) {
            controller.close();
            throw e;
        }
    }

    public int httpPort() {
        return proxy.httpPort();
    }

    public int httpsPort() {
        return proxy.httpsPort();
    }

    @Override
    public void close() {
        proxy.close();
        controller.close();
    }
}
