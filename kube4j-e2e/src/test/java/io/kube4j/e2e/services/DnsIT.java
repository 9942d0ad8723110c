package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster DNS on the real node, asked from inside pods with busybox nslookup: the node's DNS server on the bridge
 * gateway (10.42.0.1) answers services, headless endpoints, SRV, ExternalName, PTR and pod names; other names go to
 * the upstream the server was given, here a fake DNS server on 127.0.0.1 (so no query ever leaves the machine).
 * Pods get upstream's resolv.conf. The kube-dns Service, its EndpointSlice and Endpoints exist in kube-system.
 * One server for the class: it needs {@code --cluster-dns-upstream}.
 */
class DnsIT {
    private static final String GATEWAY = "10.42.0.1";
    private static Kube4jServer server;
    private static FakeUpstream upstream;
    private static TestNamespace ns;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        server = Kube4jServer.startFresh("dns", true, "--cluster-dns-upstream", "127.0.0.1:" + upstream.port());
        ns = new TestNamespace("default", Kubectl.forServer(server).inNamespace("default"));
        NodePods.createReady(ns, NodePods.busybox("client"), "client");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
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
                "search default.svc.cluster.local svc.cluster.local cluster.local"));
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
        assertThat(nslookup("kubia.default.svc.cluster.local.")).succeeds()
                .stdoutContains("Name:\tkubia.default.svc.cluster.local").stdoutContains("Address: " + ip);
        // Search paths are the client's job: busybox nslookup sends "kubia." as is when given a server, and the
        // cluster DNS forwards it (to the fake upstream) rather than guessing. Short names through the pod's
        // resolv.conf need the service IP 10.43.0.10, i.e. kube-proxy.
        assertThat(nslookup("kubia")).succeeds().stdoutContains("Address: " + FakeUpstream.ANSWER);
        assertThat(nslookup("-type=SRV", "_http._tcp.kubia.default.svc.cluster.local.")).succeeds()
                .stdoutContains("0 100 80 kubia.default.svc.cluster.local");
        assertThat(nslookup(ip)).succeeds().stdoutContains("name = kubia.default.svc.cluster.local");
        KubectlResult missing = nslookup("missing.default.svc.cluster.local.");
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
        KubectlResult all = nslookup("db.default.svc.cluster.local.");
        assertThat(all).succeeds().stdoutContains("Address: " + podIp).stdoutContains("Address: " + clientIp);
        assertThat(all.stdout()).doesNotContain("10.42.0.250");
        assertThat(nslookup("db-0.db.default.svc.cluster.local.")).succeeds().stdoutContains("Address: " + podIp);
        assertThat(nslookup("-type=SRV", "_pg._tcp.db.default.svc.cluster.local.")).succeeds()
                .stdoutContains("5432 db-0.db.default.svc.cluster.local")
                .stdoutContains("5432 " + clientIp.replace('.', '-') + ".db.default.svc.cluster.local");
        assertThat(nslookup(podIp)).succeeds().stdoutContains("name = db-0.db.default.svc.cluster.local");
        // pod names, "insecure" as k3s serves them
        assertThat(nslookup(podIp.replace('.', '-') + ".default.pod.cluster.local.")).succeeds()
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
        assertThat(nslookup("-type=CNAME", "ext.default.svc.cluster.local.")).succeeds()
                .stdoutContains("canonical name = upstream-only.example");
        assertThat(nslookup("www.kube4j-test.example.")).succeeds().stdoutContains("Address: " + FakeUpstream.ANSWER);
        assertThat(upstream.seen).contains("www.kube4j-test.example");
    }

    /**
     * A DNS server on 127.0.0.1 answering every A query with {@link #ANSWER} (TEST-NET-3, never contacted) and any
     * other type with no data; written on plain sockets so this module needs no DNS library.
     */
    static final class FakeUpstream implements AutoCloseable {
        static final String ANSWER = "203.0.113.77";
        final List<String> seen = new CopyOnWriteArrayList<>();
        private final DatagramSocket socket;
        private final Thread thread;

        FakeUpstream() throws Exception {
            socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = Thread.ofVirtual().start(this::serve);
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buf = new byte[1500];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] out = answer(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                    if (out != null) {
                        socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                    }
                } catch (Exception e) {
                    return;
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
            int qtype = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
            int questionEnd = i + 5;
            seen.add(name.toString().toLowerCase(java.util.Locale.ROOT));
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
            thread.interrupt();
        }
    }
}
