package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster DNS on the real node, asked from inside pods with busybox nslookup: the node's DNS server on the bridge
 * gateway (10.42.0.1) answers services, headless endpoints, SRV, ExternalName, PTR and pod names; other names go to
 * the upstream the shared server was given ({@code --cluster-dns-upstream 127.0.0.1:PORT}), here a fake DNS server
 * this class runs on that port (so no query ever leaves the machine). Pods get upstream's resolv.conf. The kube-dns
 * Service, its EndpointSlice and Endpoints exist in kube-system. Runs on the shared cluster, in its own namespace.
 */
@Kube4jE2E
class DnsIT {
    private static final String GATEWAY = "10.42.0.1";
    private static Kube4jServer server;
    private static FakeUpstream upstream;
    private static TestNamespace ns;
    /** The namespace's name, as it appears in DNS names. */
    private static String n;

    @BeforeAll
    static void start(Kube4jServer shared, TestNamespace namespace) throws Exception {
        server = shared;
        ns = namespace;
        n = ns.name();
        String target = server.flag("--cluster-dns-upstream");
        upstream = new FakeUpstream(Integer.parseInt(target.substring(target.lastIndexOf(':') + 1)));
        NodePods.createReady(ns, NodePods.busybox("client"), "client");
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    /** nslookup from the client pod against the node's DNS server; retried while the server is still binding. */
    private static KubectlResult nslookup(String... args) {
        String[] cmd = new String[args.length + 7];
        System.arraycopy(new String[]{"exec", "client", "--", "timeout", "10", "nslookup"}, 0, cmd, 0, 6);
        System.arraycopy(args, 0, cmd, 6, args.length);
        cmd[cmd.length - 1] = GATEWAY;
        KubectlResult r = ns.kubectl().run(cmd);
        for (int i = 0; i < 20 && r.stdout().contains("connection timed out"); i++) {
            sleep(500);
            r = ns.kubectl().run(cmd);
        }
        return r;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void podsGetUpstreamsResolvConf() {
        KubectlResult r = ns.kubectl().run("exec", "client", "--", "cat", "/etc/resolv.conf");
        assertThat(r).succeeds();
        List<String> lines = r.lines();
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith(
                "search " + n + ".svc.cluster.local svc.cluster.local cluster.local"));
        assertThat(lines).contains("nameserver 10.43.0.10", "options ndots:5");

        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: custom-dns
                spec:
                  dnsPolicy: "None"
                  dnsConfig:
                    nameservers: ["192.0.2.1"]
                    searches: ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"]
                    options:
                    - name: ndots
                      value: "2"
                    - name: edns0
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                """.formatted(NodePods.BUSYBOX), "custom-dns");
        KubectlResult custom = ns.kubectl().run("exec", "custom-dns", "--", "cat", "/etc/resolv.conf");
        assertThat(custom).succeeds();
        assertThat(custom.lines()).contains("search ns1.svc.cluster-domain.example my.dns.search.suffix",
                "nameserver 192.0.2.1");
        assertThat(custom.lines()).anySatisfy(l -> assertThat(l).startsWith("options ").contains("ndots:2")
                .contains("edns0"));
        assertThat(ns.kubectl().run("delete", "pod", "custom-dns", "--wait=false")).succeeds();
    }

    @Test
    void kubeDnsServiceAndEndpointsInKubeSystem() {
        Kubectl sys = Kubectl.forServer(server).inNamespace("kube-system");
        assertThat(sys.run("get", "svc", "kube-dns")).succeeds()
                .hasLineMatching("kube-dns\\s+ClusterIP\\s+10\\.43\\.0\\.10\\s+<none>\\s+53/UDP,53/TCP\\s+\\S+");
        TestNamespace sysNs = new TestNamespace("kube-system", sys);
        NodePods.awaitJsonPath(sysNs, "endpointslice/kube-dns-" + Kube4jServer.NODE_NAME,
                "{.endpoints[0].addresses[0]} {.endpoints[0].nodeName}",
                s -> s.equals(GATEWAY + " " + Kube4jServer.NODE_NAME), Duration.ofSeconds(60));
        NodePods.awaitJsonPath(sysNs, "endpoints/kube-dns", "{.subsets[0].addresses[0].ip}", GATEWAY::equals,
                Duration.ofSeconds(30));
        assertThat(sys.run("get", "ep", "kube-dns")).succeeds()
                .hasLineMatching("kube-dns\\s+10\\.42\\.0\\.1:53,10\\.42\\.0\\.1:53\\s+\\S+");
        // the cluster DNS answers for itself
        assertThat(nslookup("kube-dns.kube-system.svc.cluster.local.")).succeeds().stdoutContains("Address: 10.43.0.10");
    }

    @Test
    void serviceNamesAndPtr() {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: kubia
                spec:
                  selector:
                    app: kubia
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                """, "apply", "-f", "-")).succeeds();
        String ip = NodePods.awaitJsonPath(ns, "svc/kubia", "{.spec.clusterIP}", s -> !s.isBlank(),
                Duration.ofSeconds(10));
        assertThat(nslookup("kubia." + n + ".svc.cluster.local.")).succeeds()
                .stdoutContains("Name:\tkubia." + n + ".svc.cluster.local").stdoutContains("Address: " + ip);
        // Search paths are the client's job: busybox nslookup sends "kubia." as is when given a server, and the
        // cluster DNS forwards it (to the fake upstream) rather than guessing. Short names through the pod's
        // resolv.conf need the service IP 10.43.0.10, i.e. kube-proxy.
        assertThat(nslookup("kubia")).succeeds().stdoutContains("Address: " + FakeUpstream.ANSWER);
        assertThat(nslookup("-type=SRV", "_http._tcp.kubia." + n + ".svc.cluster.local.")).succeeds()
                .stdoutContains("0 100 80 kubia." + n + ".svc.cluster.local");
        assertThat(nslookup(ip)).succeeds().stdoutContains("name = kubia." + n + ".svc.cluster.local");
        KubectlResult missing = nslookup("missing." + n + ".svc.cluster.local.");
        assertThat(missing.stdout() + missing.stderr()).contains("NXDOMAIN");
    }

    @Test
    void headlessServiceWithHandMadeSlice() {
        NodePods.createReady(ns, NodePods.kubia("db-pod"), "db-pod");
        String podIp = NodePods.podIp(ns, "db-pod");
        String clientIp = NodePods.podIp(ns, "client");
        // Selectorless headless service + a hand-made slice (the EndpointSlice controller lands separately).
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: db
                spec:
                  clusterIP: None
                  ports:
                  - name: pg
                    port: 5432
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: db-1
                  labels:
                    kubernetes.io/service-name: db
                addressType: IPv4
                ports:
                - name: pg
                  port: 5432
                  protocol: TCP
                endpoints:
                - addresses: ["%s"]
                  hostname: db-0
                  conditions: {ready: true}
                - addresses: ["%s"]
                  conditions: {ready: true}
                - addresses: ["10.42.0.250"]
                  conditions: {ready: false}
                """.formatted(podIp, clientIp), "apply", "-f", "-")).succeeds();
        KubectlResult all = nslookup("db." + n + ".svc.cluster.local.");
        assertThat(all).succeeds().stdoutContains("Address: " + podIp).stdoutContains("Address: " + clientIp);
        assertThat(all.stdout()).doesNotContain("10.42.0.250");
        assertThat(nslookup("db-0.db." + n + ".svc.cluster.local.")).succeeds().stdoutContains("Address: " + podIp);
        assertThat(nslookup("-type=SRV", "_pg._tcp.db." + n + ".svc.cluster.local.")).succeeds()
                .stdoutContains("5432 db-0.db." + n + ".svc.cluster.local")
                .stdoutContains("5432 " + clientIp.replace('.', '-') + ".db." + n + ".svc.cluster.local");
        assertThat(nslookup(podIp)).succeeds().stdoutContains("name = db-0.db." + n + ".svc.cluster.local");
        // pod names, "insecure" as k3s serves them
        assertThat(nslookup(podIp.replace('.', '-') + "." + n + ".pod.cluster.local.")).succeeds()
                .stdoutContains("Address: " + podIp);
    }

    @Test
    void externalNameIsACnameAndOtherNamesGoUpstream() {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: ext
                spec:
                  type: ExternalName
                  externalName: upstream-only.example
                """, "apply", "-f", "-")).succeeds();
        assertThat(nslookup("-type=CNAME", "ext." + n + ".svc.cluster.local.")).succeeds()
                .stdoutContains("canonical name = upstream-only.example");
        assertThat(nslookup("www.kube4j-test.example.")).succeeds().stdoutContains("Address: " + FakeUpstream.ANSWER);
        assertThat(upstream.seen).contains("www.kube4j-test.example");
    }

    /**
     * A DNS server on 127.0.0.1 (UDP and TCP, on the port the shared server forwards to) answering every A query
     * with {@link #ANSWER} (TEST-NET-3, never contacted) and any other type with no data; written on plain sockets
     * so this module needs no DNS library.
     */
    static final class FakeUpstream implements AutoCloseable {
        static final String ANSWER = "203.0.113.77";
        final List<String> seen = new CopyOnWriteArrayList<>();
        private final DatagramSocket socket;
        private final ServerSocket tcp;
        private final List<Thread> threads;

        FakeUpstream(int port) throws IOException {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            socket = new DatagramSocket(address);
            tcp = new ServerSocket();
            tcp.setReuseAddress(true);
            tcp.bind(address);
            threads = List.of(Thread.ofVirtual().start(this::serveUdp), Thread.ofVirtual().start(this::serveTcp));
        }

        private void serveUdp() {
            byte[] buf = new byte[1500];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] out = answer(Arrays.copyOf(p.getData(), p.getLength()));
                    if (out != null) {
                        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** DNS over TCP: each message behind a two-byte length. */
        private void serveTcp() {
            while (!tcp.isClosed()) {
                try (Socket s = tcp.accept()) {
                    s.setSoTimeout(5000);
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] q = new byte[in.readUnsignedShort()];
                    in.readFully(q);
                    byte[] out = answer(q);
                    if (out != null) {
                        DataOutputStream o = new DataOutputStream(s.getOutputStream());
                        o.writeShort(out.length);
                        o.write(out);
                        o.flush();
                    }
                } catch (IOException e) {
                    if (tcp.isClosed()) {
                        return;
                    }
                }
            }
        }

        private byte[] answer(byte[] q) {
            if (q.length < 12) {
                return null;
            }
            int i = 12;
            StringBuilder name = new StringBuilder();
            while (i < q.length && q[i] != 0) {
                int len = q[i] & 0xff;
                name.append(name.isEmpty() ? "" : ".").append(new String(q, i + 1, len, StandardCharsets.US_ASCII));
                i += len + 1;
            }
            if (i + 4 >= q.length) {
                return null;
            }
            int qtype = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
            int questionEnd = i + 5;
            seen.add(name.toString().toLowerCase(Locale.ROOT));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(q[0]);
            out.write(q[1]);
            out.write(0x81); // QR, RD
            out.write(0x80); // RA, NOERROR
            out.writeBytes(new byte[]{0, 1, 0, qtype == 1 ? (byte) 1 : 0, 0, 0, 0, 0});
            out.write(q, 12, questionEnd - 12);
            if (qtype == 1) {
                out.writeBytes(new byte[]{(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 203, 0, 113, 77});
            }
            return out.toByteArray();
        }

        @Override
        public void close() {
            socket.close();
            try {
                tcp.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            threads.forEach(Thread::interrupt);
        }
    }
}
