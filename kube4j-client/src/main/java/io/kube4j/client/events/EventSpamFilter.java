package io.kube4j.client.events;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Upstream client-go's EventSourceObjectSpamFilter: one token bucket per event source and involved object (kind,
 * namespace, name, uid, apiVersion; not the reason or message), so one source cannot flood one object with events.
 * A bucket starts full with {@link #DEFAULT_BURST} tokens and refills at {@link #DEFAULT_QPS} (one token every five
 * minutes) up to the burst; each event takes a token and is skipped when none is left. The {@link #REMEMBERED} most
 * recently used buckets are kept, as upstream's LRU cache. Used by {@link EventRecorder}; thread-safe.
 */
final class EventSpamFilter {
    /** Upstream's defaultSpamBurst. */
    static final int DEFAULT_BURST = 25;
    /** Upstream's defaultSpamQPS: 1/300. */
    static final double DEFAULT_QPS = 1.0 / 300.0;
    /** Upstream's maxLruCacheEntries. */
    static final int REMEMBERED = 4096;

    private final Clock clock;
    /** Time to earn one token; buckets count in nanoseconds of credit so refills are exact. */
    private final long periodNanos;
    private final long fullNanos;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > REMEMBERED;
        }
    };

    private static final class Bucket {
        /** Tokens times {@link #periodNanos}, at most {@link #fullNanos}. */
        long credit;
        long refilledNanos;
    }

    EventSpamFilter(Clock clock) {
        this(clock, DEFAULT_BURST, DEFAULT_QPS);
    }

    EventSpamFilter(Clock clock, int burst, double qps) {
        this.clock = clock;
        this.periodNanos = Math.round(1e9 / qps);
        this.fullNanos = burst * periodNanos;
    }

    /** Takes a token from the bucket of {@code sourceAndObject}; false when the event must be skipped. */
    synchronized boolean tryAccept(String sourceAndObject) {
        long now = nanos();
        Bucket b = buckets.get(sourceAndObject);
        if (b == null) {
            b = new Bucket();
            b.credit = fullNanos;
            b.refilledNanos = now;
            buckets.put(sourceAndObject, b);
        } else if (now > b.refilledNanos) {
            b.credit = Math.min(fullNanos, b.credit + (now - b.refilledNanos));
            b.refilledNanos = now;
        }
        if (b.credit < periodNanos) {
            return false;
        }
        b.credit -= periodNanos;
        return true;
    }

    private long nanos() {
        var t = clock.instant();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
