package io.kube4j.client.informers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the event callbacks of one {@link PooledInformer} one after another, in the order they were handed in, on a
 * virtual thread of its own that lives while there is work. This is what keeps the users of one shared informer apart:
 * fabric8 calls all handlers of an informer in turn on one thread, so without it a slow user would hold up the others.
 * Thread-safe; {@link #execute} may be called from any thread. After {@link #close} queued and new callbacks are
 * dropped.
 */
final class SerialDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(SerialDelivery.class);

    private final String name;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean closed;

    SerialDelivery(String name) {
        this.name = name;
    }

    void execute(Runnable task) {
        if (closed) {
            return;
        }
        tasks.add(task);
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name(name).start(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                if (closed) {
                    tasks.clear();
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // as fabric8 does for its handlers: one failed callback does not stop the ones after it
                    LOG.error("informer event handler failed informer={}", name, e);
                }
            }
            draining.set(false);
            // a task added between the last poll and the reset found draining set and started no thread
            if (tasks.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    void close() {
        closed = true;
        tasks.clear();
    }
}
