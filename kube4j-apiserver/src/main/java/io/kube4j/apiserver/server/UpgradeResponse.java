package io.kube4j.apiserver.server;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A kubelet's HTTP/1.1 answer to an upgrade request, read off the raw connection: the status line
 * and headers, then (when it did not switch protocols) its body, framed by Content-Length, chunked
 * encoding or the end of the connection. Used by {@link PodConnectProxy} on one connection's event
 * loop; not thread-safe.
 */
final class UpgradeResponse {
    /** Heads longer than this are refused. */
    static final int MAX_HEAD = 64 * 1024;
    /** Error bodies longer than this are cut. */
    static final int MAX_BODY = 1024 * 1024;

    /** The status line and headers, and how many bytes they took. */
    record Head(int status, List<Map.Entry<String, String>> headers, int length) {
        String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }
    }

    private UpgradeResponse() {
    }

    /** The head at the start of {@code buf}, or null while its blank line has not arrived. */
    static Head parseHead(Buffer buf) {
        int end = indexOf(buf, 0, "\r\n\r\n");
        if (end < 0) {
            return null;
        }
        String text = buf.getString(0, end, StandardCharsets.ISO_8859_1.name());
        String[] lines = text.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IllegalArgumentException("malformed HTTP response: " + lines[0]);
        }
        int status = Integer.parseInt(statusLine[1].trim());
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.add(Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
            }
        }
        return new Head(status, headers, end + 4);
    }

    /**
     * The complete body after {@code head} in {@code buf}, decoded; null while more must arrive.
     * {@code closed} says the connection has ended, which completes a body without framing.
     */
    static Buffer body(Head head, Buffer buf, boolean closed) {
        Buffer rest = buf.getBuffer(head.length(), buf.length());
        String te = head.header("Transfer-Encoding");
        if (te != null && te.toLowerCase().contains("chunked")) {
            return dechunk(rest, closed);
        }
        String cl = head.header("Content-Length");
        if (cl != null) {
            int n = Integer.parseInt(cl.trim());
            if (rest.length() >= n) {
                return rest.getBuffer(0, n);
            }
            return closed ? rest : null;
        }
        if (head.status() == 204 || head.status() == 304 || head.status() < 200) {
            return Buffer.buffer();
        }
        return closed || rest.length() >= MAX_BODY ? rest : null;
    }

    private static Buffer dechunk(Buffer rest, boolean closed) {
        Buffer out = Buffer.buffer();
        int pos = 0;
        while (true) {
            int lineEnd = indexOf(rest, pos, "\r\n");
            if (lineEnd < 0) {
                return closed ? out : null;
            }
            String sizeText = rest.getString(pos, lineEnd, StandardCharsets.ISO_8859_1.name());
            int semi = sizeText.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeText.substring(0, semi) : sizeText).trim(), 16);
            int dataStart = lineEnd + 2;
            if (size == 0) {
                return out;
            }
            if (rest.length() < dataStart + size + 2) {
                return closed ? out.appendBuffer(rest.getBuffer(dataStart, Math.min(rest.length(), dataStart + size))) : null;
            }
            out.appendBuffer(rest.getBuffer(dataStart, dataStart + size));
            if (out.length() >= MAX_BODY) {
                return out;
            }
            pos = dataStart + size + 2;
        }
    }

    private static int indexOf(Buffer buf, int from, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = from; i <= buf.length() - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (buf.getByte(i + j) != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
