package io.kube4j.ingress.routing;

/**
 * Where a request goes: a backend, or nowhere ({@link #NOT_FOUND}: the default backend's 404, as ingress-nginx).
 */
public record Route(Backend backend) {
    public static final Route NOT_FOUND = new Route(null);

    public boolean found() {
        return backend != null;
    }
}
