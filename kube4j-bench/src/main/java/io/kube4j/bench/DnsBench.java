package io.kube4j.bench;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kube4j.node.dns.ClusterDnsResolver;
import io.kube4j.node.dns.ClusterRecords;
import io.kube4j.node.dns.DnsServer;
import io.kube4j.node.network.Cidr;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cluster DNS throughput and latency, in process: an {@code io.kube4j.node.dns} {@link DnsServer} bound to
 * 127.0.0.1 on a free port, answering with a {@link ClusterDnsResolver} over {@link ClusterRecords} filled with
 * ClusterIP services (no informers, no API server), asked by closed-loop UDP clients, each with its own socket and
 * platform thread, for A records of a different service name each query. Nothing is forwarded: every name is in the
 * cluster zone (the forwarder throws). Runs on the bench's main thread; everything it starts is closed at the end.
 */
final class DnsBench implements Benchmark {
    static final String ZONE = "cluster.local";
    private static final int NAMESPACES = 10;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(1);

    @Override
    public String name() {
        return "dns";
    }

    @Override
    public String method() {
        return "in-process DnsServer (io.kube4j.node.dns, dnsjava) on 127.0.0.1 with S ClusterIP services in "
                + NAMESPACES + " namespaces; for each client count C: C closed-loop UDP clients (a socket and a "
                + "platform thread each, in the same JVM) ask A <svc>.<ns>.svc." + ZONE + " for a different name each "
                + "query, a warm-up then the measured time; queries/s of correct answers, p50/p99 per query, CPU "
                + "of the clients and of the rest of the JVM (the server).";
    }

    @Override
    public boolean reportOnly() {
        return true;
    }

    @Override
    public String goal() {
        return "report only: queries/s and p50/p99 at each client count; every answer correct";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("services", o.dnsServices());
        params.put("seconds", o.dnsSeconds());
        params.put("clients", o.dnsClients());
        params.put("benchJvmOpts", ManagementFactory.getRuntimeMXBean().getInputArguments());
        Map<String, Object> results = new LinkedHashMap<>();
        ClusterRecords records = new ClusterRecords();
        List<Query> queries = new ArrayList<>();
        for (int i = 0; i < o.dnsServices(); i++) {
            String ns = "ns-" + (i % NAMESPACES);
            String svc = "svc-" + i;
            byte[] ip = {10, 43, (byte) (1 + i / 250), (byte) (1 + i % 250)};
            String ipText = "10.43." + (1 + i / 250) + "." + (1 + i % 250);
            records.putService(new ServiceBuilder().withNewMetadata().withName(svc).withNamespace(ns).endMetadata()
                    .withNewSpec().withClusterIP(ipText).addNewPort().withName("http").withPort(80)
                    .withProtocol("TCP").endPort().endSpec().build());
            Name name = Name.fromString(svc + "." + ns + ".svc." + ZONE + ".");
            queries.add(new Query(Message.newQuery(Record.newRecord(name, Type.A, DClass.IN)).toWire(), ip));
        }
        ClusterDnsResolver resolver = new ClusterDnsResolver(records, ZONE,
                List.of(Cidr.parse("10.42.0.0/16"), Cidr.parse("10.43.0.0/16")), q -> {
                    throw new IOException("the dns bench forwards nothing");
                });
        boolean allCorrect = true;
        try (DnsServer server = new DnsServer("127.0.0.1", 0, Duration.ofMillis(100), resolver::answer)) {
            server.start();
            if (!server.awaitBound(Duration.ofSeconds(10))) {
                throw new IOException("the DNS server did not bind 127.0.0.1 within 10 s");
            }
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.port());
            checkOne(addr, queries.getFirst());
            List<Map<String, Object>> rows = new ArrayList<>();
            Duration time = Duration.ofSeconds(o.dnsSeconds());
            for (int clients : o.dnsClients()) {
                closedLoop(addr, queries, clients, time); // warm-up
                Map<String, Object> row = closedLoop(addr, queries, clients, time);
                rows.add(row);
                allCorrect &= (int) row.get("failed") == 0 && (int) row.get("wrong") == 0;
                System.out.printf("  %2d clients: %7.0f queries/s  p50 %.3f ms  p99 %.3f ms  failed %s  wrong %s  "
                                + "load %.2f  clients' CPU %s%%  server's CPU %s%% of a core%n", clients,
                        (double) row.get("queriesPerSecond"), (double) row.get("p50Ms"), (double) row.get("p99Ms"),
                        row.get("failed"), row.get("wrong"), (double) row.get("loadAverage"),
                        row.get("clientCpuPercent"), row.get("serverCpuPercent"));
            }
            results.put("rows", rows);
        }
        return new Result(params, results, allCorrect);
    }

    /** One name's query on the wire (id 0) and the address its answer must carry. */
    private record Query(byte[] wire, byte[] ip) {
    }

    /** Asks one name and parses the answer fully, so that the cheap checks of the loop rest on a known shape. */
    private static void checkOne(InetSocketAddress addr, Query q) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(addr);
            s.setSoTimeout((int) QUERY_TIMEOUT.toMillis());
            s.send(new DatagramPacket(q.wire, q.wire.length));
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            Message m = new Message(Arrays.copyOf(p.getData(), p.getLength()));
            List<Record> answers = m.getSection(Section.ANSWER);
            if (m.getRcode() != Rcode.NOERROR || answers.size() != 1 || !(answers.getFirst() instanceof ARecord a)
                    || !Arrays.equals(a.getAddress().getAddress(), q.ip) || !m.getSection(Section.AUTHORITY).isEmpty()
                    || !m.getSection(Section.ADDITIONAL).isEmpty()) {
                throw new IOException("unexpected DNS answer: " + m);
            }
        }
    }

    /** C clients for {@code time}; returns rate, latency, failures and who used the CPU. */
    private static Map<String, Object> closedLoop(InetSocketAddress addr, List<Query> queries, int clients,
                                                  Duration time) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Client[] cs = new Client[clients];
        Thread[] ts = new Thread[clients];
        long busy0 = NodePodStartupBench.machineBusyMillis();
        long process0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long deadline = t0 + time.toNanos();
        for (int c = 0; c < clients; c++) {
            cs[c] = new Client(addr, queries, c, clients, deadline, threads);
            ts[c] = Thread.ofPlatform().name("dns-client-" + c).start(cs[c]);
        }
        for (Thread t : ts) {
            t.join(time.toMillis() + TimeUnit.SECONDS.toMillis(30));
        }
        double wallMs = (System.nanoTime() - t0) / 1e6;
        long processMs = (os.getProcessCpuTime() - process0) / 1_000_000;
        long busyMs = NodePodStartupBench.machineBusyMillis() - busy0;
        int ok = 0;
        int failed = 0;
        int wrong = 0;
        long clientCpuMs = 0;
        long[] all = new long[0];
        for (Client c : cs) {
            if (c.error != null) {
                throw new IOException("DNS client failed: " + c.error, c.error);
            }
            ok += c.ok;
            failed += c.failed;
            wrong += c.wrong;
            clientCpuMs += c.cpuNanos / 1_000_000;
            int from = all.length;
            all = Arrays.copyOf(all, from + c.ok);
            System.arraycopy(c.latencies, 0, all, from, c.ok);
        }
        Arrays.sort(all);
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("clients", clients);
        row.put("queriesPerSecond", (double) Math.round(ok / (wallMs / 1000)));
        row.put("p50Ms", micros(all, 0.50) / 1000.0);
        row.put("p99Ms", micros(all, 0.99) / 1000.0);
        row.put("ok", ok);
        row.put("failed", failed);
        row.put("wrong", wrong);
        row.put("loadAverage", Machine.loadAverage());
        row.put("machineBusyPercent", Math.round(100 * busyMs / (wallMs * cores)));
        row.put("clientCpuPercent", Math.round(100 * clientCpuMs / wallMs));
        row.put("serverCpuPercent", Math.round(100 * (processMs - clientCpuMs) / wallMs));
        return row;
    }

    /**
     * The nearest-rank percentile of sorted nanoseconds, in whole microseconds (LatencySummary rounds to 10 us,
     * too coarse for answers that take tens of microseconds); -1 when empty.
     */
    private static long micros(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = Math.max(0, Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1));
        return Math.round(sorted[i] / 1000.0);
    }

    /**
     * One closed-loop client: sends the next query as soon as the previous one is answered or timed out. Names go
     * round robin over all services, clients starting at different offsets. Owned by its thread until joined.
     */
    private static final class Client implements Runnable {
        private final InetSocketAddress addr;
        private final List<Query> queries;
        private final int clients;
        private final long deadline;
        private final ThreadMXBean threads;
        private int next;
        private int id;
        long[] latencies = new long[1 << 16];
        int ok;
        int failed;
        int wrong;
        long cpuNanos;
        Exception error;

        Client(InetSocketAddress addr, List<Query> queries, int index, int clients, long deadline,
               ThreadMXBean threads) {
            this.addr = addr;
            this.queries = queries;
            this.clients = clients;
            this.deadline = deadline;
            this.threads = threads;
            this.next = index;
            this.id = index << 12;
        }

        @Override
        public void run() {
            long cpu0 = threads.getCurrentThreadCpuTime();
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(addr);
                s.setSoTimeout((int) QUERY_TIMEOUT.toMillis());
                byte[] in = new byte[512];
                DatagramPacket answer = new DatagramPacket(in, in.length);
                while (System.nanoTime() < deadline) {
                    Query q = queries.get(next);
                    next = (next + clients) % queries.size();
                    id = (id + 1) & 0xffff;
                    byte[] out = q.wire.clone();
                    out[0] = (byte) (id >> 8);
                    out[1] = (byte) id;
                    long t0 = System.nanoTime();
                    s.send(new DatagramPacket(out, out.length));
                    if (!receive(s, answer, in)) {
                        failed++;
                        continue;
                    }
                    long t1 = System.nanoTime();
                    if (!correct(in, answer.getLength(), q.ip)) {
                        wrong++;
                        continue;
                    }
                    if (ok == latencies.length) {
                        latencies = Arrays.copyOf(latencies, latencies.length * 2);
                    }
                    latencies[ok++] = t1 - t0;
                }
            } catch (Exception e) {
                error = e;
            }
            cpuNanos = threads.getCurrentThreadCpuTime() - cpu0;
        }

        /** Waits for the answer with this query's id (skipping late answers to timed-out ones); false on timeout. */
        private boolean receive(DatagramSocket s, DatagramPacket answer, byte[] in) throws IOException {
            while (true) {
                answer.setLength(in.length);
                try {
                    s.receive(answer);
                } catch (SocketTimeoutException e) {
                    return false;
                }
                if (answer.getLength() >= 12 && ((in[0] & 0xff) << 8 | (in[1] & 0xff)) == id) {
                    return true;
                }
            }
        }

        /** QR set, NOERROR, one answer and nothing else, ending in the expected address (checkOne saw the shape). */
        private static boolean correct(byte[] in, int len, byte[] ip) {
            return (in[2] & 0x80) != 0 && (in[3] & 0x0f) == 0 && in[6] == 0 && in[7] == 1
                    && in[8] == 0 && in[9] == 0 && in[10] == 0 && in[11] == 0 && len >= 16
                    && in[len - 4] == ip[0] && in[len - 3] == ip[1] && in[len - 2] == ip[2] && in[len - 1] == ip[3];
        }
    }
}
