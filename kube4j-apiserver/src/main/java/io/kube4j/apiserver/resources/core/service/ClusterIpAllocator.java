package io.kube4j.apiserver.resources.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.validation.core.ValueFormats;

import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Hands out cluster IPs from the service CIDR. The addresses in use are read from the stored
 * services on every call (so restarts lose nothing) plus the recent {@link Reservations}. The
 * network and broadcast addresses are never used, the first host address is left to the
 * {@code kubernetes} service, and dynamic allocation prefers the range above upstream's static
 * band (the first 256 addresses of a large range) so it does not take addresses users pin, such
 * as the DNS service's. Thread-safe: every method is synchronized.
 */
public final class ClusterIpAllocator {
    private final String cidr;
    private final long base;
    private final long size;
    private final long staticBand;
    private final Supplier<? extends Collection<ObjectNode>> services;
    private final Random random;
    private final Reservations reservations;

    /** @param services the stored services, read on each allocation */
    public ClusterIpAllocator(String cidr, Supplier<? extends Collection<ObjectNode>> services, Clock clock, Random random) {
        int slash = cidr.indexOf('/');
        String ip = cidr.substring(0, slash);
        int bits = Integer.parseInt(cidr.substring(slash + 1));
        if (!ValueFormats.isIpv4(ip) || bits < 1 || bits > 30) {
            throw new IllegalArgumentException("service CIDR must be an IPv4 range between /1 and /30: " + cidr);
        }
        this.cidr = cidr;
        this.size = 1L << (32 - bits);
        this.base = ValueFormats.ipv4ToLong(ip) & ~(size - 1);
        this.staticBand = Math.min(Math.max(16, size / 16), 256);
        this.services = services;
        this.random = random;
        this.reservations = new Reservations(clock, services == null ? null : Reservations.TTL);
    }

    public String cidr() {
        return cidr;
    }

    /** Outcome of an allocation: the address, or upstream's reason it failed. */
    public record Result(String ip, String error) {
    }

    /** Allocates {@code ip} for {@code owner} ("namespace/name"); the owner may hold it already. */
    public synchronized Result allocate(String ip, String owner) {
        if (!ValueFormats.isIpv4(ip) || !inRange(ValueFormats.ipv4ToLong(ip))) {
            return new Result(null, "provided IP is not in the valid range. The range of valid IPs is " + cidr);
        }
        long v = ValueFormats.ipv4ToLong(ip);
        String holder = used().getOrDefault(v, reservations.owner(v));
        if (holder != null && !holder.equals(owner)) {
            return new Result(null, "provided IP is already allocated");
        }
        reservations.reserve(v, owner);
        return new Result(ip, null);
    }

    /** Allocates a free address for {@code owner}, preferring the dynamic band. */
    public synchronized Result allocateNext(String owner) {
        reservations.expire();
        Map<Long, String> used = used();
        long first = base + 2;
        long last = base + size - 2;
        long dynamicFirst = Math.min(base + staticBand, last);
        Long pick = pick(dynamicFirst, last, used);
        if (pick == null) {
            pick = pick(first, dynamicFirst - 1, used);
        }
        if (pick == null) {
            return new Result(null, "range is full");
        }
        reservations.reserve(pick, owner);
        return new Result(ValueFormats.longToIpv4(pick), null);
    }

    private Long pick(long from, long to, Map<Long, String> used) {
        if (to < from) {
            return null;
        }
        long span = to - from + 1;
        long start = from + (long) (random.nextDouble() * span);
        for (long i = 0; i < span; i++) {
            long v = from + ((start - from + i) % span);
            if (!used.containsKey(v) && reservations.owner(v) == null) {
                return v;
            }
        }
        return null;
    }

    private boolean inRange(long v) {
        return v > base && v < base + size - 1;
    }

    /** Addresses held by stored services, with their "namespace/name". */
    private Map<Long, String> used() {
        Map<Long, String> out = new HashMap<>();
        for (ObjectNode svc : services == null ? java.util.List.<ObjectNode>of() : services.get()) {
            String owner = ServiceStrategy.owner(svc);
            JsonNode spec = svc.path("spec");
            for (JsonNode ip : spec.path("clusterIPs")) {
                add(out, ip.asText(), owner);
            }
            add(out, spec.path("clusterIP").asText(""), owner);
        }
        return out;
    }

    private static void add(Map<Long, String> out, String ip, String owner) {
        if (ValueFormats.isIpv4(ip)) {
            out.put(ValueFormats.ipv4ToLong(ip), owner);
        }
    }
}
