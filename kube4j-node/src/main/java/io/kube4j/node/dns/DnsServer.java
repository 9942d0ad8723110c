package io.kube4j.node.dns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A DNS server on one address, UDP and TCP on the same port, answering with a {@code Message -> Message} function
 * (a {@link ClusterDnsResolver}). The address may not exist yet (the pod bridge appears with the first pod), so
 * {@link #start} keeps trying to bind until it succeeds or the server is closed. Each query runs on its own virtual
 * thread; at most {@value #MAX_IN_FLIGHT} at once (UDP queries beyond that are dropped, the client retries).
 * Started and closed by {@link ClusterDns}; thread-safe.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServer.class);
    static final int MAX_IN_FLIGHT = 1024;
    private static final int TCP_IDLE_MILLIS = 10_000;

    private final String bindIp;
    private final int requestedPort;
    private final Duration bindRetry;
    private final Function<Message, Message> handler;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final CountDownLatch bound = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile DatagramSocket udp;
    private volatile ServerSocket tcp;
    private Thread binder;

    public DnsServer(String bindIp, int port, Duration bindRetry, Function<Message, Message> handler) {
        this.bindIp = bindIp;
        this.requestedPort = port;
        this.bindRetry = bindRetry;
        this.handler = handler;
    }

    /** Starts binding in the background; returns at once. */
    public synchronized void start() {
        if (binder == null) {
            binder = Thread.ofVirtual().name("dns-bind-" + bindIp).start(this::bindLoop);
        }
    }

    /** Waits until both sockets are bound; false on timeout. */
    public boolean awaitBound(Duration timeout) throws InterruptedException {
        return bound.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The bound port (useful when started with port 0), or -1 before binding. */
    public int port() {
        DatagramSocket s = udp;
        return s == null ? -1 : s.getLocalPort();
    }

    private void bindLoop() {
        boolean logged = false;
        while (!closed) {
            try {
                InetAddress addr = InetAddress.getByName(bindIp);
                DatagramSocket u = new DatagramSocket(null);
                ServerSocket t = new ServerSocket();
                try {
                    u.setReuseAddress(true);
                    u.bind(new InetSocketAddress(addr, requestedPort));
                    t.setReuseAddress(true);
                    t.bind(new InetSocketAddress(addr, u.getLocalPort()), 128);
                } catch (IOException e) {
                    u.close();
                    t.close();
                    throw e;
                }
                udp = u;
                tcp = t;
                if (closed) {
                    u.close();
                    t.close();
                    return;
                }
                Thread.ofVirtual().name("dns-udp").start(this::udpLoop);
                Thread.ofVirtual().name("dns-tcp").start(this::tcpLoop);
                LOG.info("cluster DNS listening on {}:{} (UDP, TCP)", bindIp, u.getLocalPort());
                bound.countDown();
                return;
            } catch (BindException e) {
                if (!logged) {
                    LOG.info("cluster DNS waiting for address {} to bind port {}: {}", bindIp, requestedPort,
                            e.getMessage());
                    logged = true;
                }
            } catch (IOException e) {
                LOG.warn("cluster DNS cannot bind {}:{}: {}", bindIp, requestedPort, e.toString());
            }
            try {
                Thread.sleep(bindRetry);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void udpLoop() {
        DatagramSocket s = udp;
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("cluster DNS UDP receive failed", e);
                }
                return;
            }
            if (!inFlight.tryAcquire()) {
                continue;
            }
            byte[] data = Arrays.copyOf(p.getData(), p.getLength());
            var from = p.getSocketAddress();
            Thread.ofVirtual().start(() -> {
                try {
                    byte[] out = respond(data, true);
                    if (out != null) {
                        s.send(new DatagramPacket(out, out.length, from));
                    }
                } catch (IOException e) {
                    LOG.debug("cluster DNS UDP send to {} failed: {}", from, e.toString());
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private void tcpLoop() {
        ServerSocket server = tcp;
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("cluster DNS TCP accept failed", e);
                }
                return;
            }
            Thread.ofVirtual().start(() -> serveTcp(c));
        }
    }

    private void serveTcp(Socket c) {
        try (c) {
            c.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(c.getInputStream());
            DataOutputStream out = new DataOutputStream(c.getOutputStream());
            while (!closed) {
                int len;
                try {
                    len = in.readUnsignedShort();
                } catch (EOFException e) {
                    return;
                }
                byte[] data = new byte[len];
                in.readFully(data);
                inFlight.acquire();
                byte[] resp;
                try {
                    resp = respond(data, false);
                } finally {
                    inFlight.release();
                }
                if (resp == null) {
                    return;
                }
                out.writeShort(resp.length);
                out.write(resp);
                out.flush();
            }
        } catch (SocketException | java.net.SocketTimeoutException e) {
            // client went away or idled out
        } catch (IOException e) {
            LOG.debug("cluster DNS TCP connection failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The wire response to one wire query, or null to drop it (not even a header to answer). */
    byte[] respond(byte[] data, boolean udp) {
        Message query;
        try {
            query = new Message(data);
        } catch (IOException e) {
            if (data.length < Header.LENGTH) {
                return null;
            }
            Message err = new Message(((data[0] & 0xff) << 8) | (data[1] & 0xff));
            err.getHeader().setFlag(Flags.QR);
            err.getHeader().setRcode(Rcode.FORMERR);
            return err.toWire();
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return null;
        }
        Message resp = handler.apply(query);
        OPTRecord qopt = query.getOPT();
        int max = 512;
        if (qopt != null) {
            max = Math.max(512, Math.min(qopt.getPayloadSize(), 4096));
            if (resp.getOPT() == null) {
                resp.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            }
        }
        return udp ? resp.toWire(max) : resp.toWire(65535);
    }

    @Override
    public void close() {
        closed = true;
        Thread b;
        synchronized (this) {
            b = binder;
        }
        if (b != null) {
            b.interrupt();
        }
        DatagramSocket u = udp;
        if (u != null) {
            u.close();
        }
        ServerSocket t = tcp;
        if (t != null) {
            try {
                t.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
