package io.kube4j.apiserver.resources.core.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Values (IPs, ports) handed out recently but maybe not yet visible in the watch cache, each
 * with the service that asked for it. Covers the gap between allocation in a strategy and the
 * stored service reaching the cache, so two concurrent creates never get the same value. Not
 * thread-safe: the owning allocator synchronizes.
 */
final class Reservations {
    static final Duration TTL = Duration.ofSeconds(30);

    private record Entry(String owner, Instant expires) {
    }

    private final Map<Long, Entry> entries = new HashMap<>();
    private final Clock clock;
    private final Duration ttl;

    /** @param ttl how long a value stays reserved; null keeps it for the life of the process */
    Reservations(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** The owner holding {@code value}, or null when it is free or its reservation expired. */
    String owner(long value) {
        Entry e = entries.get(value);
        if (e == null) {
            return null;
        }
        if (e.expires().isBefore(clock.instant())) {
            entries.remove(value);
            return null;
        }
        return e.owner();
    }

    void reserve(long value, String owner) {
        entries.put(value, new Entry(owner, ttl == null ? Instant.MAX : clock.instant().plus(ttl)));
    }

    /** Drops expired reservations; called on every allocation to keep the map small. */
    void expire() {
        Instant now = clock.instant();
        entries.values().removeIf(e -> e.expires().isBefore(now));
    }
}
