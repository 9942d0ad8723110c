package io.kube4j.client.workqueue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A work queue of keys in upstream's shape: a key waiting is queued once however often it is added ("dirty"), a key
 * being processed is never handed to a second worker, and a key added while processed is queued again when its
 * worker calls {@link #done}. Keys can be added after a delay, or with a per-key exponential back-off (5 ms doubling
 * to 1,000 s, as upstream's default controller rate limiter) until {@link #forget}. Thread-safe.
 */
public final class RateLimitingQueue<K> {
    public static final Duration BASE_DELAY = Duration.ofMillis(5);
    public static final Duration MAX_DELAY = Duration.ofSeconds(1000);

    private final Clock clock;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final ArrayDeque<K> queue = new ArrayDeque<>();
    private final Set<K> dirty = new HashSet<>();
    private final Set<K> processing = new HashSet<>();
    private final Map<K, Integer> failures = new HashMap<>();
    private final PriorityQueue<Delayed<K>> waiting = new PriorityQueue<>();
    private long sequence;
    private boolean shuttingDown;

    private record Delayed<K>(long readyAtMillis, long seq, K key) implements Comparable<Delayed<K>> {
        @Override
        public int compareTo(Delayed<K> o) {
            int c = Long.compare(readyAtMillis, o.readyAtMillis);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    public RateLimitingQueue() {
        this(Clock.systemUTC(), BASE_DELAY, MAX_DELAY);
    }

    public RateLimitingQueue(Clock clock, Duration baseDelay, Duration maxDelay) {
        this.clock = clock;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    public synchronized void add(K key) {
        if (shuttingDown || dirty.contains(key)) {
            return;
        }
        dirty.add(key);
        if (!processing.contains(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    /** Adds the key once {@code delay} has passed (at once when it is zero or negative). */
    public synchronized void addAfter(K key, Duration delay) {
        if (shuttingDown) {
            return;
        }
        if (delay.isZero() || delay.isNegative()) {
            add(key);
            return;
        }
        waiting.add(new Delayed<>(clock.millis() + delay.toMillis(), sequence++, key));
        notifyAll();
    }

    /** Adds the key after its back-off, which doubles with each call until {@link #forget}. */
    public synchronized void addRateLimited(K key) {
        int n = failures.merge(key, 1, Integer::sum) - 1;
        addAfter(key, backOff(n));
    }

    Duration backOff(int previousFailures) {
        if (previousFailures >= 40) {
            return maxDelay;
        }
        long millis = baseDelay.toMillis() << Math.min(previousFailures, 40);
        return millis <= 0 || millis > maxDelay.toMillis() ? maxDelay : Duration.ofMillis(millis);
    }

    /** The key succeeded: its back-off starts over. */
    public synchronized void forget(K key) {
        failures.remove(key);
    }

    public synchronized int numRequeues(K key) {
        return failures.getOrDefault(key, 0);
    }

    /**
     * Blocks until a key is ready and returns it, marked as being processed; empty once the queue shut down.
     * The caller must call {@link #done} with it.
     */
    public synchronized Optional<K> get() throws InterruptedException {
        while (true) {
            promoteReady();
            if (!queue.isEmpty()) {
                K key = queue.pollFirst();
                dirty.remove(key);
                processing.add(key);
                return Optional.of(key);
            }
            if (shuttingDown) {
                return Optional.empty();
            }
            Delayed<K> next = waiting.peek();
            if (next == null) {
                wait();
            } else {
                long ms = next.readyAtMillis - clock.millis();
                if (ms > 0) {
                    wait(ms);
                }
            }
        }
    }

    private void promoteReady() {
        long now = clock.millis();
        while (!waiting.isEmpty() && waiting.peek().readyAtMillis <= now) {
            K key = waiting.poll().key;
            if (!dirty.contains(key)) {
                dirty.add(key);
                if (!processing.contains(key)) {
                    queue.addLast(key);
                }
            }
        }
    }

    /** The worker finished the key; if it was added meanwhile, it is queued again. */
    public synchronized void done(K key) {
        processing.remove(key);
        if (dirty.contains(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    /** Keys waiting now (not those delayed or being processed). */
    public synchronized int length() {
        promoteReady();
        return queue.size();
    }

    public synchronized void shutDown() {
        shuttingDown = true;
        notifyAll();
    }
}
