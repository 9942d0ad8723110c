package io.kube4j.node.dns;

import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forwards queries to the node's resolvers, trying each in turn (UDP, then TCP when the answer is truncated, as
 * dnsjava's {@link SimpleResolver} does). Built by {@link ClusterDns} from {@code --cluster-dns-upstream} or the
 * node's resolv.conf. Thread-safe.
 */
public final class UpstreamForwarder implements DnsForwarder {
    private final List<SimpleResolver> resolvers;

    public UpstreamForwarder(List<InetSocketAddress> upstreams, Duration timeout) {
        List<SimpleResolver> rs = new ArrayList<>();
        for (InetSocketAddress a : upstreams) {
            SimpleResolver r = new SimpleResolver(a);
            r.setTimeout(timeout);
            rs.add(r);
        }
        this.resolvers = List.copyOf(rs);
    }

    /** Parses {@code host[:port]} (port 53 by default; IPv6 as {@code [addr]:port}). */
    public static InetSocketAddress parseUpstream(String text) {
        String host = text.strip();
        int port = 53;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("invalid DNS upstream: " + text);
            }
            if (host.length() > end + 1 && host.charAt(end + 1) == ':') {
                port = Integer.parseInt(host.substring(end + 2));
            }
            host = host.substring(1, end);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = Integer.parseInt(host.substring(host.indexOf(':') + 1));
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid DNS upstream: " + text);
        }
        return new InetSocketAddress(host, port);
    }

    @Override
    public Message forward(Message query) throws IOException {
        if (resolvers.isEmpty()) {
            throw new IOException("no upstream DNS servers");
        }
        IOException last = null;
        for (SimpleResolver r : resolvers) {
            try {
                return r.send(query);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }
}
