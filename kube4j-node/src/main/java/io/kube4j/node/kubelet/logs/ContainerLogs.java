package io.kube4j.node.kubelet.logs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Streams a container's CRI log file to a client the way upstream's kubelet does: tail counts file
 * lines from the end, since drops older lines, timestamps prefix each output line, limitBytes cuts
 * the output, and follow keeps reading as the file grows until the container stops running.
 * Both streams (stdout and stderr) are written, in file order. Log rotation is not followed.
 *
 * <p>Called by the kubelet server on a thread it may block (a virtual thread): {@link #stream}
 * blocks for as long as it follows. Stateless; safe for concurrent use.
 */
public final class ContainerLogs {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerLogs.class);
    private static final Duration DEFAULT_POLL = Duration.ofMillis(100);
    private static final int BLOCK = 16 * 1024;

    private ContainerLogs() {
    }

    /** {@link #stream(Path, LogOptions, OutputStream, BooleanSupplier, Duration)} polling every 100 ms. */
    public static void stream(Path file, LogOptions opts, OutputStream out, BooleanSupplier running) throws IOException {
        stream(file, opts, out, running, DEFAULT_POLL);
    }

    /**
     * Writes the log to {@code out}, flushing after each batch of lines.
     *
     * @param running asked when following and the end of the file is reached: true to wait for more
     *                lines, false to read what is left and return
     * @param poll    how long to sleep between looks at a file that has not grown
     * @throws IOException when the file cannot be read or {@code out} fails (client gone)
     */
    public static void stream(Path file, LogOptions opts, OutputStream out, BooleanSupplier running, Duration poll)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long start = opts.tailLines() < 0 ? 0 : tailStart(ch, opts.tailLines());
            ch.position(start);
            Writer w = new Writer(out, opts);
            ByteBuffer buf = ByteBuffer.allocate(BLOCK);
            byte[] pending = new byte[0];
            boolean lastPass = false;
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n > 0) {
                    byte[] data = concat(pending, buf.array(), n);
                    int lineStart = 0;
                    for (int i = 0; i < data.length; i++) {
                        if (data[i] == '\n') {
                            if (!w.line(data, lineStart, i)) {
                                out.flush();
                                return;
                            }
                            lineStart = i + 1;
                        }
                    }
                    pending = Arrays.copyOfRange(data, lineStart, data.length);
                    out.flush();
                    continue;
                }
                // end of file
                if (opts.follow() && !lastPass) {
                    if (running.getAsBoolean()) {
                        sleep(poll);
                    } else {
                        // the container is gone: one more read catches what it wrote last
                        lastPass = true;
                    }
                    continue;
                }
                if (pending.length > 0) {
                    // an unterminated last line: upstream writes it anyway
                    w.line(pending, 0, pending.length);
                }
                out.flush();
                return;
            }
        }
    }

    /** The offset of the first of the last {@code n} lines; a final "\n" does not start a line. */
    static long tailStart(FileChannel ch, long n) throws IOException {
        long size = ch.size();
        if (n == 0) {
            return size;
        }
        long pos = size;
        long count = 0;
        boolean skipFinal = true;
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        while (pos > 0) {
            int len = (int) Math.min(BLOCK, pos);
            pos -= len;
            buf.clear().limit(len);
            ch.read(buf, pos);
            for (int i = len - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    if (skipFinal && pos + i == size - 1) {
                        continue;
                    }
                    if (++count == n) {
                        return pos + i + 1;
                    }
                }
            }
            skipFinal = false;
        }
        return 0;
    }

    private static byte[] concat(byte[] a, byte[] b, int bLen) {
        byte[] r = Arrays.copyOf(a, a.length + bLen);
        System.arraycopy(b, 0, r, a.length, bLen);
        return r;
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while following the log");
        }
    }

    /** Applies since, timestamps and the byte limit to parsed lines. */
    private static final class Writer {
        private final OutputStream out;
        private final LogOptions opts;
        private long remaining;
        // a partial line continues on the same stream: no timestamp before its continuation
        private final Map<String, Boolean> midLine = new HashMap<>();

        Writer(OutputStream out, LogOptions opts) {
            this.out = out;
            this.opts = opts;
            this.remaining = opts.limitBytes() < 0 ? Long.MAX_VALUE : opts.limitBytes();
        }

        /** Returns false once the byte limit is reached. */
        boolean line(byte[] data, int from, int to) throws IOException {
            CriLogLine l;
            try {
                l = CriLogLine.parse(data, from, to);
            } catch (IllegalArgumentException e) {
                LOG.warn("skipping malformed log line error={}", e.getMessage());
                return true;
            }
            if (opts.sinceTime() != null && l.time().toInstant().isBefore(opts.sinceTime())) {
                return true;
            }
            if (opts.timestamps() && !midLine.getOrDefault(l.stream(), false)) {
                String ts = CriLogLine.OUTPUT_TIME.format(l.time()) + " ";
                if (!write(ts.getBytes(StandardCharsets.US_ASCII))) {
                    return false;
                }
            }
            midLine.put(l.stream(), l.partial());
            return write(l.content());
        }

        private boolean write(byte[] b) throws IOException {
            if (b.length >= remaining) {
                out.write(b, 0, (int) remaining);
                remaining = 0;
                return false;
            }
            out.write(b);
            remaining -= b.length;
            return true;
        }
    }
}
