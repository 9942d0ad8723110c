package io.kube4j.ingress.proxy;

import io.netty.util.AsciiString;

/**
 * The headers a proxy does not forward (hop-by-hop, RFC 9110 7.6.1, plus Host and HTTP2-Settings, which the
 * proxy sets itself), tested in any case without allocating: the proxy asks for every header of every request and
 * answer, so a lower-cased copy of each name per request showed in allocation profiles. Called by
 * {@link ReverseProxy} on event loops; stateless and thread-safe.
 */
final class HopByHopHeaders {
    private static final AsciiString TE = AsciiString.cached("te");
    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString TRAILER = AsciiString.cached("trailer");
    private static final AsciiString UPGRADE = AsciiString.cached("upgrade");
    private static final AsciiString CONNECTION = AsciiString.cached("connection");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString HTTP2_SETTINGS = AsciiString.cached("http2-settings");
    private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("transfer-encoding");
    private static final AsciiString PROXY_AUTHENTICATE = AsciiString.cached("proxy-authenticate");
    private static final AsciiString PROXY_AUTHORIZATION = AsciiString.cached("proxy-authorization");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");

    private HopByHopHeaders() {
    }

    /** True when a header of this name (any case) is not forwarded. */
    static boolean contains(CharSequence name) {
        // the length picks the one or two candidates, so most names cost a switch and at most one comparison
        return switch (name.length()) {
            case 2 -> is(name, TE);
            case 4 -> is(name, HOST);
            case 7 -> is(name, TRAILER) || is(name, UPGRADE);
            case 10 -> is(name, CONNECTION) || is(name, KEEP_ALIVE);
            case 14 -> is(name, HTTP2_SETTINGS);
            case 16 -> is(name, PROXY_CONNECTION);
            case 17 -> is(name, TRANSFER_ENCODING);
            case 18 -> is(name, PROXY_AUTHENTICATE);
            case 19 -> is(name, PROXY_AUTHORIZATION);
            default -> false;
        };
    }

    static boolean is(CharSequence name, AsciiString lowerCase) {
        return AsciiString.contentEqualsIgnoreCase(name, lowerCase);
    }
}
