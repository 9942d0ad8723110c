package io.kube4j.storage.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay in front of one etcd member that can fail the way a network does, not the way a process
 * does: {@link #cut()} stops every byte in both directions without closing anything (a partition: senders fill
 * their socket buffers and wait, as behind a dropped link), {@link #heal()} lets the held bytes through again
 * (TCP's retransmissions after a short partition), and {@link #strandOpenConnections()} leaves the connections
 * open now silent for good while new ones work (a middlebox that lost their state: only a keepalive can tell).
 * New connections made while cut are accepted and held too. Everything stays on 127.0.0.1. Tests only; safe to
 * call from any thread.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean cut;
    private volatile boolean closed;

    /** One client connection and its upstream socket; a stranded link never forwards again. */
    private final class Link {
        final Socket client;
        final Socket upstream;
        volatile boolean stranded;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("tcp-proxy-accept").start(this::acceptLoop);
    }

    /** Starts a relay to the member at {@code clientUrl} (loopback only). */
    static TcpProxy to(URI clientUrl) throws IOException {
        return new TcpProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientUrl.getPort()));
    }

    /** The relay's own URL, to give a client instead of the member's. */
    URI url() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    /** Holds every byte, of open and new connections alike, until {@link #heal()}. */
    void cut() {
        synchronized (gate) {
            cut = true;
        }
    }

    /** Lets the held bytes and new connections through again (stranded ones stay silent). */
    void heal() {
        synchronized (gate) {
            cut = false;
            gate.notifyAll();
        }
    }

    /** The connections open now never forward another byte, nor close; connections made later work. */
    void strandOpenConnections() {
        for (Link l : links) {
            l.stranded = true;
        }
    }

    /** Connections accepted so far that are not stranded. */
    long liveConnections() {
        return links.stream().filter(l -> !l.stranded && !l.client.isClosed()).count();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().name("tcp-proxy-link").start(() -> open(client));
        }
    }

    private void open(Socket client) {
        try {
            awaitPassable(null);
            Socket upstream = new Socket();
            upstream.connect(target, 2_000);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            Link link = new Link(client, upstream);
            links.add(link);
            Thread.ofVirtual().name("tcp-proxy-up").start(() -> pump(link, client, upstream));
            Thread.ofVirtual().name("tcp-proxy-down").start(() -> pump(link, upstream, client));
        } catch (IOException | InterruptedException e) {
            closeQuietly(client);
        }
    }

    /** Copies one direction; each chunk read waits at the gate before it is written. */
    private void pump(Link link, Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                awaitPassable(link);
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side went away, or the relay closed
        } finally {
            if (!link.stranded) {
                link.close();
            }
        }
    }

    /** Returns when bytes may pass; a stranded link never returns until the relay closes. */
    private void awaitPassable(Link link) throws InterruptedException, IOException {
        synchronized (gate) {
            while (!closed && (cut || (link != null && link.stranded))) {
                gate.wait(200);
            }
        }
        if (closed) {
            throw new IOException("relay closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (gate) {
            gate.notifyAll();
        }
        closeQuietly(listener);
        links.forEach(Link::close);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already gone
        }
    }
}
