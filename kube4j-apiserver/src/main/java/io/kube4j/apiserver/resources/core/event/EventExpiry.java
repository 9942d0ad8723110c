package io.kube4j.apiserver.resources.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.resources.BackgroundTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Deletes events an hour after they were last recorded, as upstream's event TTL does. Sweeps once a
 * minute on a single daemon thread; {@link #sweep} is also callable directly (tests).
 */
public final class EventExpiry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventExpiry.class);

    private final Store events;
    private final Clock clock;
    private final Duration ttl;
    private BackgroundTasks timer;

    public EventExpiry(Store events, Clock clock, Duration ttl) {
        this.events = events;
        this.clock = clock;
        this.ttl = ttl;
    }

    public void start() {
        timer = new BackgroundTasks("event-expiry").every(Duration.ofMinutes(1), "event expiry sweep", this::sweep);
    }

    /** Deletes every expired event; returns how many. */
    public int sweep() {
        Instant cutoff = clock.instant().minus(ttl);
        int n = 0;
        for (ObjectNode e : events.list(null, ListOptions.all()).items()) {
            Instant last = lastRecorded(e);
            if (last != null && last.isBefore(cutoff)) {
                JsonNode meta = e.get("metadata");
                try {
                    events.delete(Json.text(meta, "namespace"), Json.text(meta, "name"),
                            new DeleteOptions(0L, Json.text(meta, "uid"), null, null, false));
                    n++;
                } catch (StatusException ex) {
                    // changed or deleted meanwhile: the next sweep looks again
                }
            }
        }
        if (n > 0) {
            LOG.debug("expired events count={}", n);
        }
        return n;
    }

    /** The latest of the times an event records; upstream renews the TTL on every write. */
    static Instant lastRecorded(ObjectNode e) {
        Instant best = null;
        for (String[] path : new String[][]{{"metadata", "creationTimestamp"}, {"lastTimestamp"}, {"firstTimestamp"},
                {"eventTime"}, {"series", "lastObservedTime"}}) {
            JsonNode v = Json.at(e, path);
            Instant t = v == null ? null : Timestamps.parse(v.asText());
            if (t != null && (best == null || t.isAfter(best))) {
                best = t;
            }
        }
        return best;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }
}
