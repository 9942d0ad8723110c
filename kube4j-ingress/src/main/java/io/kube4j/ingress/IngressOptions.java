package io.kube4j.ingress;

/**
 * Options of the built-in ingress controller, from {@code kube4j server}'s flags.
 *
 * @param bindAddress   where the proxy listens (all addresses by default)
 * @param httpPort      plain HTTP port (HTTP/1.1 and h2c); 0 picks a free one
 * @param httpsPort     TLS port (HTTP/2 by ALPN, HTTP/1.1); 0 picks a free one
 * @param statusAddress the address written to served Ingresses' {@code status.loadBalancer.ingress} (the node IP)
 * @param eventLoops    Vert.x event loops serving the proxy
 */
public record IngressOptions(String bindAddress, int httpPort, int httpsPort, String statusAddress, int eventLoops) {
    public static final String CLASS_NAME = "kube4j";
    public static final String CONTROLLER = "kube4j.io/ingress";
    public static final int DEFAULT_HTTP_PORT = 80;
    public static final int DEFAULT_HTTPS_PORT = 443;

    public IngressOptions {
        if (httpPort < 0 || httpPort > 65535 || httpsPort < 0 || httpsPort > 65535) {
            throw new IllegalArgumentException("ingress ports must be between 0 and 65535");
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("ingress event loops must be at least 1");
        }
    }

    public static IngressOptions defaults(String statusAddress) {
        return new IngressOptions("0.0.0.0", DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, statusAddress,
                Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    public IngressOptions withPorts(int http, int https) {
        return new IngressOptions(bindAddress, http, https, statusAddress, eventLoops);
    }
}
