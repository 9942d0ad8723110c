package io.kube4j.apiserver.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * Groups the drain requests of the streams of one connection into one event-loop task. A watch event reaches
 * every watcher of a connection at about the same moment: each wake-up would otherwise be its own task, with its
 * own trip through the event loop's task queue (and often a selector wake-up). {@link #request} queues a drain and
 * schedules one task unless one is pending; the task runs every drain queued so far, in the order requested.
 *
 * <p>Created by {@link VertxExchange} for a streamed response, one per connection (kept on the Netty channel).
 * {@link #request} may be called from any thread; drains run on {@code loop}, one at a time.
 */
final class DrainBatch implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DrainBatch.class);
    private static final AttributeKey<DrainBatch> KEY = AttributeKey.valueOf(DrainBatch.class, "drains");

    private final Executor loop;
    private final Object lock = new Object();
    /** Drains requested since the last task took them; guarded by {@link #lock}. */
    private ArrayList<Runnable> pending = new ArrayList<>();
    /** The list the running task works through, swapped with {@link #pending}; event loop only. */
    private ArrayList<Runnable> running = new ArrayList<>();
    private boolean scheduled;
    /** The last line {@link #shared} wrapped, and its buffer; event loop only. */
    private byte[] lastLine;
    private Buffer lastBuffer;

    DrainBatch(Executor loop) {
        this.loop = loop;
    }

    /** The batch of {@code channel}, created on first use; drains run on the channel's event loop. */
    static DrainBatch of(Channel channel) {
        DrainBatch b = channel.attr(KEY).get();
        if (b == null) {
            DrainBatch fresh = new DrainBatch(channel.eventLoop());
            b = channel.attr(KEY).setIfAbsent(fresh);
            if (b == null) {
                b = fresh;
            }
        }
        return b;
    }

    /**
     * Runs {@code drain} soon on the event loop, in one task with the other drains requested meanwhile. The caller
     * makes sure a drain is not requested again while it is pending (a pump's own scheduled flag).
     */
    void request(Runnable drain) {
        boolean schedule;
        synchronized (lock) {
            pending.add(drain);
            schedule = !scheduled;
            scheduled = true;
        }
        if (schedule) {
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        ArrayList<Runnable> batch;
        synchronized (lock) {
            batch = pending;
            pending = running;
            running = batch;
            scheduled = false;
        }
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).run();
            } catch (RuntimeException e) {
                // one stream's failure must not leave the others of the batch undrained
                LOG.warn("stream drain failed", e);
            }
        }
        batch.clear();
    }

    /**
     * A Vert.x buffer over {@code line}, shared by the streams of this connection that write the same array one
     * after the other (a watch event line every watcher of a change shares): Vert.x writes a slice of it, so one
     * buffer can be written to any number of streams, and the array is never copied. Event loop only.
     */
    Buffer shared(byte[] line) {
        if (line != lastLine) {
            lastLine = line;
            lastBuffer = BufferInternal.buffer(Unpooled.wrappedBuffer(line));
        }
        return lastBuffer;
    }
}
