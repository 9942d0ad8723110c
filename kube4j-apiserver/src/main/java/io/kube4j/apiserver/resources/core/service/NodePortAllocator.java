package io.kube4j.apiserver.resources.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hands out node ports (default 30000-32767). Ports in use are read from the stored services
 * ({@code spec.ports[*].nodePort} and {@code spec.healthCheckNodePort}) plus recent
 * {@link Reservations}. Thread-safe: every method is synchronized.
 */
public final class NodePortAllocator {
    public static final int DEFAULT_FIRST = 30000;
    public static final int DEFAULT_LAST = 32767;

    private final int first;
    private final int last;
    private final Supplier<? extends Collection<ObjectNode>> services;
    private final Random random;
    private final Reservations reservations;

    public NodePortAllocator(int first, int last, Supplier<? extends Collection<ObjectNode>> services, Clock clock,
                             Random random) {
        this.first = first;
        this.last = last;
        this.services = services;
        this.random = random;
        this.reservations = new Reservations(clock, services == null ? null : Reservations.TTL);
    }

    /** Outcome of an allocation: the port, or upstream's reason it failed. */
    public record Result(int port, String error) {
    }

    /** Allocates {@code port} for {@code owner} ("namespace/name"); the owner may hold it already. */
    public synchronized Result allocate(int port, String owner) {
        if (port < first || port > last) {
            return new Result(0, "provided port is not in the valid range. The range of valid ports is " + first + "-" + last);
        }
        String holder = used().getOrDefault((long) port, reservations.owner(port));
        if (holder != null && !holder.equals(owner)) {
            return new Result(0, "provided port is already allocated");
        }
        reservations.reserve(port, owner);
        return new Result(port, null);
    }

    /** Allocates a free port for {@code owner}, skipping {@code taken} (ports this request already holds). */
    public synchronized Result allocateNext(String owner, Collection<Integer> taken) {
        reservations.expire();
        Map<Long, String> used = used();
        int span = last - first + 1;
        int start = random.nextInt(span);
        for (int i = 0; i < span; i++) {
            int p = first + (start + i) % span;
            if (!used.containsKey((long) p) && reservations.owner(p) == null && !taken.contains(p)) {
                reservations.reserve(p, owner);
                return new Result(p, null);
            }
        }
        return new Result(0, "range is full");
    }

    private Map<Long, String> used() {
        Map<Long, String> out = new HashMap<>();
        for (ObjectNode svc : services == null ? java.util.List.<ObjectNode>of() : services.get()) {
            String owner = ServiceStrategy.owner(svc);
            JsonNode spec = svc.path("spec");
            for (JsonNode p : spec.path("ports")) {
                long np = p.path("nodePort").asLong(0);
                if (np != 0) {
                    out.put(np, owner);
                }
            }
            long hc = spec.path("healthCheckNodePort").asLong(0);
            if (hc != 0) {
                out.put(hc, owner);
            }
        }
        return out;
    }
}
