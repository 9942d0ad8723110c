package io.kube4j.node.kubelet.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One SPDY/3.1 session over any byte transport: bytes read from the peer go in through
 * {@link #feed}, bytes to send come out through the sink. Frames are encoded and decoded by
 * Netty's SPDY codec, run in an embedded channel so that the transport can be a Vert.x socket or
 * WebSocket messages.
 *
 * <p>Speaks what Kubernetes' SPDY streams (moby/spdystream) speak: no flow control (that library
 * never sends WINDOW_UPDATE, so windows are not enforced), data sent on a stream this side opened
 * waits for the peer's SYN_REPLY (the peer drops earlier data), pings are answered.
 *
 * <p>Not thread-safe: use from one thread at a time (the Vert.x context of its connection).
 */
final class SpdySession {

    /** What the peer did. Called on the thread that calls {@link #feed}. */
    interface Listener {
        /** The peer opened a stream; a server answers with {@link #reply}. */
        default void onStream(int id, SpdyHeaders headers, boolean fin) {
        }

        default void onReply(int id) {
        }

        void onData(int id, Buffer data);

        /** The peer will send no more on this stream. */
        default void onFin(int id) {
        }

        default void onReset(int id) {
        }

        default void onGoAway() {
        }

        /** The peer broke the protocol; the session is unusable. */
        default void onProtocolError(Throwable cause) {
        }
    }

    private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final Consumer<Buffer> sink;
    private final Listener listener;
    private final boolean client;
    private int nextId;
    // streams this side opened that have no SYN_REPLY yet, with the writes waiting for it
    private final Map<Integer, List<Object>> awaitingReply = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();
    private boolean broken;
    private boolean closed;

    SpdySession(boolean client, Consumer<Buffer> sink, Listener listener) {
        this.client = client;
        this.sink = sink;
        this.listener = listener;
        this.nextId = client ? 1 : 2;
    }

    /** Decodes bytes read from the peer and reports the frames to the listener. */
    void feed(Buffer bytes) {
        if (broken || closed) {
            return;
        }
        try {
            codec.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
            codec.checkException();
        } catch (Exception e) {
            broken = true;
            drainInbound();
            listener.onProtocolError(e);
            return;
        }
        drainInbound();
    }

    private void drainInbound() {
        Object f;
        while ((f = codec.readInbound()) != null) {
            try {
                dispatch(f);
            } finally {
                ReferenceCountUtil.release(f);
            }
        }
        flush();
    }

    private void dispatch(Object f) {
        if (f instanceof SpdyDataFrame d) {
            if (d.content().isReadable()) {
                byte[] b = new byte[d.content().readableBytes()];
                d.content().readBytes(b);
                listener.onData(d.streamId(), Buffer.buffer(b));
            }
            if (d.isLast()) {
                listener.onFin(d.streamId());
            }
        } else if (f instanceof SpdySynStreamFrame s) {
            listener.onStream(s.streamId(), s.headers(), s.isLast());
            if (s.isLast()) {
                listener.onFin(s.streamId());
            }
        } else if (f instanceof SpdySynReplyFrame r) {
            List<Object> queued = awaitingReply.remove(r.streamId());
            listener.onReply(r.streamId());
            if (queued != null) {
                for (Object q : queued) {
                    codec.writeOutbound(q);
                }
            }
            if (r.isLast()) {
                listener.onFin(r.streamId());
            }
        } else if (f instanceof SpdyRstStreamFrame r) {
            List<Object> queued = awaitingReply.remove(r.streamId());
            if (queued != null) {
                queued.forEach(ReferenceCountUtil::release);
            }
            listener.onReset(r.streamId());
        } else if (f instanceof SpdyHeadersFrame h) {
            if (h.isLast()) {
                listener.onFin(h.streamId());
            }
        } else if (f instanceof SpdyPingFrame p) {
            // the peer's pings have the other parity: answer them; ours come back and are dropped
            boolean ours = (p.id() & 1) == (client ? 1 : 0);
            if (!ours) {
                codec.writeOutbound(new DefaultSpdyPingFrame(p.id()));
            }
        } else if (f instanceof SpdyGoAwayFrame) {
            listener.onGoAway();
        }
        // SETTINGS and WINDOW_UPDATE: nothing to do without flow control
    }

    /** Opens a stream with the given headers (names are lower-cased, as SPDY requires). */
    int open(Map<String, String> headers) {
        if (closed) {
            throw new IllegalStateException("SPDY session is closed");
        }
        int id = nextId;
        nextId += 2;
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        headers.forEach((k, v) -> syn.headers().set(k.toLowerCase(java.util.Locale.ROOT), v));
        awaitingReply.put(id, new ArrayList<>());
        codec.writeOutbound(syn);
        flush();
        return id;
    }

    /** Accepts a stream the peer opened. */
    void reply(int id) {
        if (closed) {
            return;
        }
        codec.writeOutbound(new DefaultSpdySynReplyFrame(id));
        flush();
    }

    /** Sends data, and with {@code fin} half-closes the stream. */
    void write(int id, Buffer data, boolean fin) {
        if (closed || finished.contains(id)) {
            return;
        }
        if (fin) {
            finished.add(id);
        }
        ByteBuf content = data == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(data.getBytes());
        DefaultSpdyDataFrame frame = new DefaultSpdyDataFrame(id, content);
        frame.setLast(fin);
        List<Object> queue = awaitingReply.get(id);
        if (queue != null) {
            queue.add(frame);
            return;
        }
        codec.writeOutbound(frame);
        flush();
    }

    void reset(int id) {
        if (closed) {
            return;
        }
        awaitingReply.remove(id);
        finished.add(id);
        codec.writeOutbound(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL));
        flush();
    }

    void goAway() {
        if (closed) {
            return;
        }
        codec.writeOutbound(new DefaultSpdyGoAwayFrame(0));
        flush();
    }

    /** Frees the codec; call once the transport is closed. Later calls do nothing. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        awaitingReply.values().forEach(q -> q.forEach(ReferenceCountUtil::release));
        awaitingReply.clear();
        codec.finishAndReleaseAll();
    }

    private void flush() {
        Object o;
        while ((o = codec.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            try {
                if (b.isReadable()) {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    sink.accept(Buffer.buffer(bytes));
                }
            } finally {
                b.release();
            }
        }
    }
}
