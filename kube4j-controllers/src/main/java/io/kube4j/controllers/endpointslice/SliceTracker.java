package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the slices a controller wrote for each service until its informer shows them, as upstream's
 * EndpointSliceTracker: a sync that would act on a cache missing its own last writes (a created slice not yet seen,
 * an updated one at an older resourceVersion, a deleted one still there) waits instead, so no slice is created twice.
 * Entries older than {@link #TIMEOUT} are forgotten, so a lost event cannot wedge a service. Thread-safe: written by
 * the workers, one service key at a time.
 */
public final class SliceTracker {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final long DELETED = -1;

    private record Written(long resourceVersion, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Map<String, Written>> byService = new ConcurrentHashMap<>();

    public SliceTracker(Clock clock) {
        this.clock = clock;
    }

    /** A slice was created or updated; the returned object's resourceVersion is what the cache must reach. */
    public void written(String serviceKey, EndpointSlice slice) {
        track(serviceKey, slice.getMetadata().getName(), rv(slice));
    }

    public void deleted(String serviceKey, EndpointSlice slice) {
        track(serviceKey, slice.getMetadata().getName(), DELETED);
    }

    private void track(String serviceKey, String name, long rv) {
        byService.computeIfAbsent(serviceKey, k -> new ConcurrentHashMap<>()).put(name, new Written(rv, clock.instant()));
    }

    /** True when the cached slices of the service miss one of its own writes; forgets the service once caught up. */
    public boolean stale(String serviceKey, List<EndpointSlice> cached) {
        Map<String, Written> written = byService.get(serviceKey);
        if (written == null) {
            return false;
        }
        Map<String, Long> have = new HashMap<>();
        cached.forEach(s -> have.put(s.getMetadata().getName(), rv(s)));
        Instant now = clock.instant();
        for (Map.Entry<String, Written> e : written.entrySet()) {
            if (!now.isBefore(e.getValue().at().plus(TIMEOUT))) {
                continue;
            }
            Long rv = have.get(e.getKey());
            boolean caughtUp = e.getValue().resourceVersion() == DELETED ? rv == null
                    : rv != null && rv >= e.getValue().resourceVersion();
            if (!caughtUp) {
                return true;
            }
        }
        byService.remove(serviceKey);
        return false;
    }

    public void forget(String serviceKey) {
        byService.remove(serviceKey);
    }

    private static long rv(EndpointSlice s) {
        try {
            return Long.parseLong(s.getMetadata().getResourceVersion());
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
