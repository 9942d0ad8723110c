package io.kube4j.apiserver.endpoints;

import io.kube4j.apiserver.authn.UserInfo;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One HTTP request and its response, independent of the HTTP library. Handlers run on a virtual
 * thread and may block; one handler owns an exchange at a time.
 */
public interface Exchange {
    String method();

    String path();

    /** The first value of a query parameter, or null. */
    String query(String name);

    String header(String name);

    /** The request body; empty when none. */
    byte[] body();

    UserInfo user();

    /** Sends a complete response. */
    void respond(int status, String contentType, byte[] body, Map<String, List<String>> headers);

    /** Whether the request was upgraded to a WebSocket, where each message must carry one watch event. */
    default boolean isWebSocket() {
        return false;
    }

    /** Starts a streamed (chunked) response, as watches use. */
    Stream stream(int status, String contentType, Map<String, List<String>> headers);

    /**
     * A streamed response body. Chunks are handed to the connection without a copy (watch events share
     * one serialized line between thousands of watchers): a caller must never change an array it wrote.
     */
    interface Stream extends AutoCloseable {
        /** Writes and flushes a chunk; returns false once the client has gone. */
        boolean write(byte[] chunk);

        /** Writes the chunks, in order, as one write; returns false once the client has gone. */
        default boolean write(List<byte[]> chunks) {
            if (chunks.size() == 1) {
                return write(chunks.getFirst());
            }
            int n = 0;
            for (byte[] c : chunks) {
                n += c.length;
            }
            byte[] all = new byte[n];
            int at = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, all, at, c.length);
                at += c.length;
            }
            return write(all);
        }

        boolean isOpen();

        /**
         * Lets the connection's own I/O thread pull chunks from {@code source} and write them, so that a stream
         * fed by many small events (a watch) needs no thread of its own per event. {@code source} is called on
         * the I/O thread only, one call at a time, after {@link Pump#wake} and while the client keeps up; it
         * returns the chunks to write as one write (empty: nothing now), or null to end the stream; the pump is done
         * with the list it got before it calls again, so a source may reuse one list. Nothing
         * may be written with {@link #write} once a pump is attached. Returns null when this stream has no
         * such thread (the caller then writes itself).
         */
        default Pump pump(Supplier<List<byte[]>> source) {
            return null;
        }

        @Override
        void close();
    }

    /** The link between a stream's source and its I/O thread; see {@link Stream#pump}. Thread-safe. */
    interface Pump {
        /** Asks for the source to be drained soon on the I/O thread. Cheap, never blocks, callable from any thread. */
        void wake();

        /** Waits up to {@code millis} for the stream to end (source ended, client gone, or closed); true once it has. */
        boolean awaitClosed(long millis) throws InterruptedException;
    }
}
