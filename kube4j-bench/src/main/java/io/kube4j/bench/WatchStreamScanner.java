package io.kube4j.bench;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads one watch stream's body as it arrives and records, for each event line, the delivery latency of the write
 * whose sequence number the line carries (the number after {@code "bench/seq":"}). Each byte is looked at once and
 * nothing is copied: no line buffers, no per-line arrays, one clock read per received chunk. Lines without a
 * number count as unmatched, a number seen twice as a duplicate, a number below the last one as out of order.
 *
 * <p>Used by {@link WatchRun}: one scanner per watch, called by Vert.x on that stream's event loop, one chunk at a
 * time; the counters are read by the bench thread once the stream is done (or for progress, through the shared
 * {@link LongAdder}).
 */
final class WatchStreamScanner implements Handler<Buffer> {
    static final byte[] MARKER = "\"bench/seq\":\"".getBytes(StandardCharsets.UTF_8);
    /** KMP fallback table of {@link #MARKER}: on a mismatch after j matched bytes, continue with FALLBACK[j]. */
    private static final int[] FALLBACK = fallback(MARKER);

    private final long[] latency;
    private final int base;
    private final int total;
    private final AtomicLongArray sent;
    private final LongAdder delivered;
    /** Marker bytes matched so far on the current line; MARKER.length once the number is being read. */
    private int matched;
    /** The number read so far after the marker, or -1 when none yet on this line. */
    private int value = -1;
    /** Whether the current line's number is complete: the rest of the line is skipped. */
    private boolean done;
    private int lastSeq = -1;
    private int unmatched;
    private int duplicates;
    private int outOfOrder;
    private int received;

    /**
     * @param latency   where latencies go: slot {@code base + seq} gets (arrival - sent[seq]) in nanoseconds; -1 = not yet
     * @param base      this watch's first slot
     * @param total     writes in the run (sequence numbers 0 to total - 1)
     * @param sent      when each write was sent, System.nanoTime()
     * @param delivered incremented once per recorded delivery
     */
    WatchStreamScanner(long[] latency, int base, int total, AtomicLongArray sent, LongAdder delivered) {
        this.latency = latency;
        this.base = base;
        this.total = total;
        this.sent = sent;
        this.delivered = delivered;
    }

    @Override
    public void handle(Buffer chunk) {
        ByteBuf buf = chunk instanceof BufferInternal bi ? bi.getByteBuf() : null;
        if (buf != null && buf.hasArray()) {
            int from = buf.arrayOffset() + buf.readerIndex();
            scan(buf.array(), from, from + buf.readableBytes());
        } else {
            byte[] b = chunk.getBytes();
            scan(b, 0, b.length);
        }
    }

    /** Scans {@code b[from, to)}, a piece of the stream that arrived now. */
    void scan(byte[] b, int from, int to) {
        long now = 0;
        int i = from;
        while (i < to) {
            if (done) {
                // the number is known: skip to the end of the line
                while (i < to && b[i] != '\n') {
                    i++;
                }
                if (i == to) {
                    return;
                }
            }
            byte c = b[i++];
            if (c == '\n') {
                if (now == 0) {
                    now = System.nanoTime();
                }
                endLine(now);
                continue;
            }
            if (matched == MARKER.length) {
                if (c < '0' || c > '9') {
                    // the number ended (or there was none: value stays -1, and the line is unmatched)
                    done = true;
                } else if (value >= 100_000_000) {
                    value = -1;
                    done = true;
                } else {
                    value = (value < 0 ? 0 : value * 10) + (c - '0');
                }
                continue;
            }
            while (matched > 0 && c != MARKER[matched]) {
                matched = FALLBACK[matched];
            }
            if (c == MARKER[matched]) {
                matched++;
            }
        }
    }

    private void endLine(long now) {
        int seq = value;
        matched = 0;
        value = -1;
        done = false;
        if (seq < 0 || seq >= total) {
            unmatched++;
            return;
        }
        int slot = base + seq;
        if (latency[slot] >= 0) {
            duplicates++;
            return;
        }
        if (seq < lastSeq) {
            outOfOrder++;
        }
        lastSeq = seq;
        latency[slot] = now - sent.get(seq);
        received++;
        delivered.increment();
    }

    int unmatched() {
        return unmatched;
    }

    int duplicates() {
        return duplicates;
    }

    int outOfOrder() {
        return outOfOrder;
    }

    int received() {
        return received;
    }

    private static int[] fallback(byte[] p) {
        // f[j]: length of the longest proper border of p[0, j)
        int[] f = new int[p.length + 1];
        int k = 0;
        for (int j = 1; j < p.length; j++) {
            while (k > 0 && p[j] != p[k]) {
                k = f[k];
            }
            if (p[j] == p[k]) {
                k++;
            }
            f[j + 1] = k;
        }
        return f;
    }
}
