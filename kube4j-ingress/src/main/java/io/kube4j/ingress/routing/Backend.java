package io.kube4j.ingress.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service port an Ingress routes to, with its ready endpoints as they were when the table was built. Handed
 * out round robin; thread-safe (the counter is the only state, and a table swap starts a new one).
 *
 * @param service   {@code namespace/name:port} as the Ingress named it, for logs
 * @param endpoints ready endpoints, sorted; empty when the service has none (503)
 */
public record Backend(String service, List<Endpoint> endpoints, AtomicInteger next) {
    public Backend(String service, List<Endpoint> endpoints) {
        this(service, List.copyOf(endpoints), new AtomicInteger());
    }

    /** The next endpoint in round robin, or null when there is none. */
    public Endpoint pick() {
        int n = endpoints.size();
        if (n == 0) {
            return null;
        }
        return endpoints.get(Math.floorMod(next.getAndIncrement(), n));
    }
}
