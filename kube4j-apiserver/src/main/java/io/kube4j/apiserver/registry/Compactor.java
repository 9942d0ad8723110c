package io.kube4j.apiserver.registry;

import io.kube4j.storage.Storage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Compacts storage history the way upstream's API server does with etcd: at every interval it
 * compacts up to the revision it saw at the previous interval, so history older than one to two
 * intervals goes away and the store does not grow without bound. Continue tokens and watches from
 * before that get 410 Gone, as upstream's do. One daemon thread; {@link #tick} is callable directly.
 */
public final class Compactor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Storage storage;
    private final Duration interval;
    private long previous = -1;
    private ScheduledExecutorService timer;

    public Compactor(Storage storage, Duration interval) {
        this.storage = storage;
        this.interval = interval;
    }

    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("storage-compactor").factory());
        long millis = interval.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warn("storage compaction failed", e);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Compacts to the revision recorded at the previous call, then records the current one. */
    public synchronized void tick() {
        long current = storage.currentRevision();
        if (previous > storage.compactedRevision()) {
            long t0 = System.nanoTime();
            storage.compact(previous);
            LOG.info("storage compacted rv={} millis={}", previous, (System.nanoTime() - t0) / 1_000_000);
        }
        previous = current;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
