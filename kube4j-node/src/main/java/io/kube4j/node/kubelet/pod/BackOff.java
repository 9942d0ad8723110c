package io.kube4j.node.kubelet.pod;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key exponential back-off, as the kubelet uses it for crashing containers and failing image pulls: 10 s, doubling
 * up to 5 minutes, forgotten after the key stayed quiet for twice the maximum. Thread-safe.
 */
public final class BackOff {
    public static final Duration INITIAL = Duration.ofSeconds(10);
    public static final Duration MAX = Duration.ofMinutes(5);

    private final Clock clock;
    private final Duration initial;
    private final Duration max;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private record Entry(Duration backoff, Instant lastUpdate) {
    }

    public BackOff(Clock clock) {
        this(clock, INITIAL, MAX);
    }

    public BackOff(Clock clock, Duration initial, Duration max) {
        this.clock = clock;
        this.initial = initial;
        this.max = max;
    }

    /** True while the key's current back-off window, counted from {@code since}, has not passed. */
    public boolean inBackOffSince(String key, Instant since) {
        Entry e = entries.get(key);
        if (e == null || expired(e)) {
            return false;
        }
        return clock.instant().isBefore(since.plus(e.backoff));
    }

    /** Starts or doubles the key's back-off. */
    public void next(String key) {
        Instant now = clock.instant();
        entries.compute(key, (k, e) -> {
            if (e == null || expired(e)) {
                return new Entry(initial, now);
            }
            Duration doubled = e.backoff.multipliedBy(2);
            return new Entry(doubled.compareTo(max) > 0 ? max : doubled, now);
        });
    }

    public Duration current(String key) {
        Entry e = entries.get(key);
        return e == null ? Duration.ZERO : e.backoff;
    }

    public void reset(String key) {
        entries.remove(key);
    }

    private boolean expired(Entry e) {
        return clock.instant().isAfter(e.lastUpdate.plus(max.multipliedBy(2)));
    }
}
