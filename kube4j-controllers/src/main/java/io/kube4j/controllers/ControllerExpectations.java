package io.kube4j.controllers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream's controller expectations: before a controller creates or deletes N objects for a key it records that it
 * expects to see N adds or deletes; its informer handlers lower the counts as the events arrive. Until the counts
 * reach zero (or five minutes pass, in case an event was lost) the key's cache is stale, and a sync must not create
 * or delete again. Called by controller workers and informer handlers; thread-safe.
 */
public final class ControllerExpectations {
    public static final Duration TTL = Duration.ofMinutes(5);

    private record Expected(int adds, int deletes, Instant at) {
    }

    private final Clock clock;
    private final Map<String, Expected> expected = new ConcurrentHashMap<>();

    public ControllerExpectations(Clock clock) {
        this.clock = clock;
    }

    /** Whether the key's cache shows everything it asked for: no expectation, all met, or expired. */
    public boolean satisfied(String key) {
        Expected e = expected.get(key);
        if (e == null) {
            return true;
        }
        if (e.adds <= 0 && e.deletes <= 0) {
            return true;
        }
        return Duration.between(e.at, clock.instant()).compareTo(TTL) > 0;
    }

    /** Replaces the key's expectations before a burst of creates and deletes. */
    public void expect(String key, int adds, int deletes) {
        expected.put(key, new Expected(adds, deletes, clock.instant()));
    }

    public void creationObserved(String key) {
        expected.computeIfPresent(key, (k, e) -> new Expected(e.adds - 1, e.deletes, e.at));
    }

    public void deletionObserved(String key) {
        expected.computeIfPresent(key, (k, e) -> new Expected(e.adds, e.deletes - 1, e.at));
    }

    public void delete(String key) {
        expected.remove(key);
    }
}
