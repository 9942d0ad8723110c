package io.kube4j.apiserver.resources;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The periodic work of one API server part (event expiry, endpoint reconciler, identity Lease): tasks on one virtual
 * thread, each run after the previous one ended, a failure logged and retried at the next period. Thread-safe;
 * {@link #close} stops the runs (interrupting one under way).
 */
public final class BackgroundTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);

    private final ScheduledExecutorService timer;

    /** {@code name} names the thread. */
    public BackgroundTasks(String name) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name(name).factory());
    }

    /** Runs {@code task} every {@code period}, the first time one period from now; {@code what} names it in logs. */
    public BackgroundTasks every(Duration period, String what, Runnable task) {
        long ms = period.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("{} failed", what, e);
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
