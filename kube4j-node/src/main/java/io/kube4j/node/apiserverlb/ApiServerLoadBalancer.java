package io.kube4j.node.apiserverlb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's way to several API servers: a TCP proxy on loopback that the node's clients (kubelet, kube-proxy, DNS,
 * simulated nodes) use as their only server. Each new connection goes to the server that answered last; when it
 * refuses or times out, the next one in the list is tried, and the one that answers becomes the preferred server.
 * TLS passes through untouched, so clients verify the real server's certificate (every kube4j server's certificate
 * names 127.0.0.1). A connection whose server dies is closed, and the client's reconnect lands on a live server:
 * watches resume from their resourceVersion there.
 * <p>
 * Thread-safe: one virtual thread accepts, two copy each connection's bytes. {@link #close()} ends them all.
 */
public final class ApiServerLoadBalancer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerLoadBalancer.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private final List<InetSocketAddress> servers;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile int preferred;
    private volatile boolean closed;

    private ApiServerLoadBalancer(List<InetSocketAddress> servers, ServerSocket listener) {
        this.servers = List.copyOf(servers);
        this.listener = listener;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free port) and forwards to {@code servers}, in order of preference. */
    public static ApiServerLoadBalancer start(List<InetSocketAddress> servers, int port) throws IOException {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no API servers");
        }
        ServerSocket listener = new ServerSocket(port, 128, InetAddress.getLoopbackAddress());
        ApiServerLoadBalancer lb = new ApiServerLoadBalancer(servers, listener);
        Thread.ofVirtual().name("apiserver-lb-accept").start(lb::acceptLoop);
        LOG.info("API server load balancer on 127.0.0.1:{} for {}", listener.getLocalPort(), lb.describe());
        return lb;
    }

    /** The host and port of each {@code https://host:port} URL (port 443 when absent). */
    public static List<InetSocketAddress> addresses(List<String> urls) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String url : urls) {
            URI u = URI.create(url.strip());
            if (u.getHost() == null) {
                throw new IllegalArgumentException("not a server URL: " + url);
            }
            out.add(InetSocketAddress.createUnresolved(u.getHost(), u.getPort() < 0 ? 443 : u.getPort()));
        }
        return out;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The URL the node's clients use. */
    public String url() {
        return "https://127.0.0.1:" + port();
    }

    /** The server new connections go to first. */
    public InetSocketAddress preferred() {
        return servers.get(preferred);
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private String describe() {
        return String.join(",", servers.stream().map(ApiServerLoadBalancer::hostPort).toList());
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("API server load balancer stopped accepting: {}", e.toString());
                }
                return;
            }
            Thread.ofVirtual().name("apiserver-lb-conn").start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        open.add(client);
        Socket upstream = connect();
        if (upstream == null) {
            LOG.warn("no API server answers of {}", describe());
            closeQuietly(client);
            open.remove(client);
            return;
        }
        open.add(upstream);
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Thread back = Thread.ofVirtual().name("apiserver-lb-down").start(() -> pump(upstream, client));
            pump(client, upstream);
            back.join();
        } catch (IOException | InterruptedException e) {
            LOG.debug("connection ended: {}", e.toString());
        } finally {
            closeQuietly(client);
            closeQuietly(upstream);
            open.remove(client);
            open.remove(upstream);
        }
    }

    /** A connection to the preferred server, else to the next that answers (which becomes preferred). */
    private Socket connect() {
        int start = preferred;
        for (int i = 0; i < servers.size() && !closed; i++) {
            int idx = (start + i) % servers.size();
            InetSocketAddress target = servers.get(idx);
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(target.getHostString(), target.getPort()),
                        (int) CONNECT_TIMEOUT.toMillis());
                if (idx != preferred) {
                    LOG.info("API server {} answers; {} did not", hostPort(target), hostPort(servers.get(preferred)));
                    preferred = idx;
                }
                return s;
            } catch (IOException e) {
                closeQuietly(s);
                LOG.debug("API server {} does not answer: {}", hostPort(target), e.toString());
            }
        }
        return null;
    }

    /** Copies until {@code from} ends, then half-closes {@code to} so it sees the end too; on an error ends both. */
    private static void pump(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // a reset or a closed side (a server that died): end both, the client reconnects
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : List.copyOf(open)) {
            closeQuietly(s);
        }
    }
}
