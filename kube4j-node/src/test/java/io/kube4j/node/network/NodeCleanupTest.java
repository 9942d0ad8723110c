package io.kube4j.node.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import io.kube4j.apimachinery.json.Json;
import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.RootHost;
import io.kube4j.node.images.TestImages;

class NodeCleanupTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        Exception first = null;
        for (AutoCloseable c : cleanup.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** What portmap 1.1.1 and the bridge plugin (ipMasq) left in the nat table for one sandbox, as iptables-save shows it. */
    private static String natSave() throws IOException {
        try (InputStream in = NodeCleanupTest.class.getResourceAsStream("portmap-nat-save.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static NodeCleanup cleanupFor(String network) {
        return new NodeCleanup(new NodeCleanup.Options(Path.of("/d"), Path.of("/s"), network, "k4jhb0",
                NetworkGuard.Options.defaults()));
    }

    @Test
    void removesOnlyTheChainsOfItsOwnNetwork() throws IOException {
        String script = cleanupFor("k4jhnet").portmapRestoreScript(natSave());
        assertThat(script).isEqualTo("""
                *nat
                -D POSTROUTING -s 10.242.7.2/32 -m comment --comment "name: \\"k4jhnet\\" id: \\"abc123\\"" -j CNI-1c148fcdf2009c126b9fcb96
                -D CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"k4jhnet\\" id: \\"abc123\\"" -m multiport --dports 18555 -j CNI-DN-1c148fcdf2009c126b9fc
                -F CNI-1c148fcdf2009c126b9fcb96
                -F CNI-DN-1c148fcdf2009c126b9fc
                -X CNI-1c148fcdf2009c126b9fcb96
                -X CNI-DN-1c148fcdf2009c126b9fc
                COMMIT
                """);
        assertThat(cleanupFor("kube4j").portmapRestoreScript(natSave())).isNull();
        assertThat(cleanupFor("k4jhne").portmapRestoreScript(natSave())).as("exact name, not a prefix").isNull();
    }

    @Test
    void removesPortmapsSharedChainsOnlyWhenNoHostPortIsLeft() throws IOException {
        assertThat(NodeCleanup.sharedPortmapRestoreScript(natSave())).as("a host port is still mapped").isNull();
        String withoutSandbox = natSave().lines()
                .filter(l -> !l.contains("abc123") && !l.startsWith("-A CNI-DN-") && !l.startsWith(":CNI-DN-")
                        && !l.startsWith(":CNI-1c") && !l.startsWith("-A CNI-1c"))
                .reduce("", (a, b) -> a + b + "\n");
        assertThat(NodeCleanup.sharedPortmapRestoreScript(withoutSandbox)).isEqualTo("""
                *nat
                -D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
                -D OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
                -D POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
                -F CNI-HOSTPORT-DNAT
                -F CNI-HOSTPORT-MASQ
                -F CNI-HOSTPORT-SETMARK
                -X CNI-HOSTPORT-DNAT
                -X CNI-HOSTPORT-MASQ
                -X CNI-HOSTPORT-SETMARK
                COMMIT
                """);
        assertThat(NodeCleanup.sharedPortmapRestoreScript("*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n")).isNull();
    }

    @Test
    void refusesToDeleteContainerdStateUnderMounts() {
        assertThat(NodeCleanup.mountsBelow(Path.of("/proc"))).contains("/proc");
        assertThat(NodeCleanup.mountsBelow(Path.of("/pro"))).isEmpty();
    }

    /**
     * A pod network as containerd would make it from our conflist (plugins run by hand), kubia in
     * the pod, reached by pod IP and by host port; then a node "crash" (no CNI DEL) and the
     * cleanup, which must leave none of it behind.
     */
    @Test
    void cleansUpAfterANodeThatNeverRanCniDel() throws Exception {
        RootHost.requireRoot();
        String suffix = Long.toString(ProcessHandle.current().pid() % 10000);
        String network = "k4jhnet" + suffix;
        String bridge = "k4jhb" + suffix;
        String ipForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        cleanup.add(() -> Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), ipForward));
        boolean hostportChainsBefore = HostCommand.check("iptables-save", "-t", "nat").stdout().contains(":CNI-HOSTPORT-DNAT ");
        assertThat(HostCommand.run("ip", "link", "show", bridge).ok()).as("bridge %s left from an earlier run", bridge).isFalse();

        NetworkGuard.Options guardOptions = NetworkGuard.Options.defaults().withCidrs("10.242.0.0/16", "10.243.0.0/16")
                .withTable("k4jh-guard-" + suffix).withBridge(bridge);
        Path stateDir = Files.createDirectories(tmp.resolve("state/io.containerd.runtime.v2.task"));
        // a kube-proxy table of this test's own (never the real node's kube4j-proxy)
        String proxyTable = "k4jh-proxy-" + ProcessHandle.current().pid();
        HostCommand.run(List.of("nft", "-f", "-"), "add table ip " + proxyTable + "\nadd chain ip " + proxyTable + " c\n",
                java.util.Map.of(), java.time.Duration.ofSeconds(10)).orThrow();
        NodeCleanup nodeCleanup = new NodeCleanup(new NodeCleanup.Options(tmp, stateDir.getParent(), network, bridge,
                guardOptions, proxyTable));
        cleanup.add(nodeCleanup::run); // also if the test fails half-way
        new NetworkGuard(guardOptions).install();

        TestNetns pod = TestNetns.create("c");
        cleanup.add(pod);
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("kubia"), TestImages.kubiaServerScript(TestImages.Kubia.V1));
        Files.writeString(app.resolve("handle"), TestImages.kubiaHandlerScript(TestImages.Kubia.V1));
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", pod.name, "/bin/busybox", "sh", app.resolve("kubia").toString());
        pb.environment().put("KUBIA_STATE", tmp.toString());
        Process kubia = pb.redirectErrorStream(true).redirectOutput(tmp.resolve("kubia.log").toFile()).start();
        cleanup.add(() -> {
            kubia.destroy();
            kubia.waitFor();
        });

        var options = new CniConfig.Options(network, bridge, "10.242.7.0/24", true, tmp.resolve("cni/networks"));
        CniPlugins plugins = new CniPlugins(CniConfig.render(options));
        int hostPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            hostPort = s.getLocalPort();
        }
        ArrayNode portMappings = Json.array();
        portMappings.addObject().put("hostPort", hostPort).put("containerPort", 8080).put("protocol", "tcp");
        JsonNode result = plugins.add("k4jh-sandbox-" + suffix, Path.of("/run/netns", pod.name), portMappings);
        String podIp = result.at("/ips/0/address").asText().replaceAll("/.*", "");
        assertThat(podIp).startsWith("10.242.7.");
        assertThat(Files.list(tmp.resolve("cni/networks").resolve(network)).map(p -> p.getFileName().toString())).contains(podIp);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        String hostname = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        for (String url : List.of("http://" + podIp + ":8080/", "http://127.0.0.1:" + hostPort + "/")) {
            HttpResponse<String> r = null;
            for (int i = 0; i < 50 && r == null; i++) {
                try {
                    r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (java.net.ConnectException e) {
                    Thread.sleep(20); // kubia still starting
                }
            }
            assertThat(r).as("answer from %s", url).isNotNull();
            assertThat(r.body()).as(url).isEqualTo("You've hit " + hostname + "\n");
        }
        String nat = HostCommand.check("iptables-save", "-t", "nat").stdout();
        assertThat(nat).contains("dnat name: \\\"" + network + "\\\"", "--comment \"name: \\\"" + network + "\\\"");

        // The node dies without CNI DEL; cleanup takes everything away.
        List<String> removed = nodeCleanup.run();
        assertThat(removed).contains("bridge " + bridge, "network guard " + guardOptions.table(),
                "kube-proxy table " + proxyTable,
                "containerd state " + stateDir.getParent());
        assertThat(removed.stream().filter(s -> s.startsWith("nat chain CNI-"))).hasSize(2);
        String after = HostCommand.check("iptables-save", "-t", "nat").stdout();
        assertThat(after).doesNotContain(network, podIp + "/32");
        if (!hostportChainsBefore && !after.contains("-A CNI-HOSTPORT-DNAT")) {
            assertThat(after).doesNotContain("CNI-HOSTPORT");
        }
        assertThat(HostCommand.run("ip", "link", "show", bridge).ok()).isFalse();
        assertThat(HostCommand.check("ip", "route").stdout()).doesNotContain("10.242.", "10.243.");
        assertThat(HostCommand.run("nft", "list", "table", "inet", guardOptions.table()).ok()).isFalse();
        assertThat(HostCommand.run("nft", "list", "table", "ip", proxyTable).ok()).isFalse();
        assertThat(tmp.resolve("cni/networks").resolve(network)).doesNotExist();
        assertThat(stateDir.getParent()).doesNotExist();
        assertThat(nodeCleanup.run()).as("nothing left the second time").isEqualTo(List.of("network guard " + guardOptions.table()));
    }

    @Test
    void refusesANonBridgeDevice() {
        RootHost.requireRoot();
        NodeCleanup c = new NodeCleanup(new NodeCleanup.Options(tmp, tmp.resolve("s"), "x", "lo", NetworkGuard.Options.defaults(),
                "k4jh-proxy-none"));
        assertThatThrownBy(c::removeBridge).hasMessage("lo is not a bridge; not deleting it");
    }
}
