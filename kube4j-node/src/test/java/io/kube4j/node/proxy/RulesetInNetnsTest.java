package io.kube4j.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.RootHost;

/**
 * The generated ruleset applied by the real nft, in network namespaces this test creates: a "node" with a bridge and
 * two "pods" running busybox httpd. Nothing touches the host's own network.
 */
class RulesetInNetnsTest {

    private final List<String> netns = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Path www;

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly().waitFor();
        }
        for (String ns : netns.reversed()) {
            HostCommand.run("ip", "netns", "del", ns);
        }
        RootHost.deleteTree(www);
    }

    private String ns(String suffix) {
        String name = "k4jp" + suffix + ProcessHandle.current().pid() % 100000;
        HostCommand.check("ip", "netns", "add", name);
        netns.add(name);
        in(name, "ip", "link", "set", "lo", "up");
        in(name, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
        return name;
    }

    private static HostCommand.Result run(String ns, String stdin, String... cmd) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        return HostCommand.run(full, stdin, Map.of(), Duration.ofSeconds(20));
    }

    private static void in(String ns, String... cmd) {
        run(ns, null, cmd).orThrow();
    }

    private void pod(String node, String name, String ip) throws Exception {
        String pod = ns(name);
        String veth = "v" + name;
        in(node, "ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", pod);
        in(node, "ip", "link", "set", veth, "master", "k4jpbr", "up");
        // as the CNI bridge plugin's hairpinMode: a pod reaching itself through a service comes back on its port
        in(node, "ip", "link", "set", veth, "type", "bridge_slave", "hairpin", "on");
        in(pod, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        in(pod, "ip", "link", "set", "eth0", "up");
        in(pod, "ip", "route", "add", "default", "via", "10.42.0.1");
        Path dir = www.resolve(name);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("index.html"), "pod " + name + "\n");
        processes.add(new ProcessBuilder("ip", "netns", "exec", pod, "busybox", "httpd", "-f", "-p", "8080", "-h",
                dir.toString()).redirectErrorStream(true).start());
    }

    private static HostCommand.Result wget(String ns, String url) {
        return run(ns, null, "timeout", "5", "busybox", "wget", "-qO-", url);
    }

    @Test
    void clusterIpNodePortOnLocalhostHairpinAndRejectWork() throws Exception {
        RootHost.requireRoot();
        www = Files.createTempDirectory("k4jp-www");
        String node = ns("n");
        in(node, "ip", "link", "add", "k4jpbr", "type", "bridge");
        in(node, "ip", "addr", "add", "10.42.0.1/24", "dev", "k4jpbr");
        in(node, "ip", "link", "set", "k4jpbr", "up");
        in(node, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.conf.k4jpbr.route_localnet=1");
        in(node, "ip", "route", "add", "10.43.0.0/16", "dev", "k4jpbr");
        pod(node, "a", "10.42.0.2");
        pod(node, "b", "10.42.0.3");

        ProxyOptions options = ProxyOptions.defaults("n1", "10.42.0.0/16", "10.43.0.0/16", "k4jpbr");
        RulesetBuilder builder = new RulesetBuilder(options);
        ServicePortInfo web = new ServicePortInfo("default", "web", "", "tcp", "10.43.0.5", 80, 30080, List.of(),
                List.of("127.0.0.50"), 0, false, false);
        ServicePortInfo empty = new ServicePortInfo("default", "empty", "", "tcp", "10.43.0.6", 80, 30081, List.of(),
                List.of(), 0, false, false);
        List<EndpointInfo> both = List.of(new EndpointInfo("10.42.0.2", 8080, true, true, false, "n1"),
                new EndpointInfo("10.42.0.3", 8080, true, true, false, "n1"));
        NftRuleset first = builder.build(List.of(new ServicePortEndpoints(web, both), new ServicePortEndpoints(empty, List.of())));
        run(node, first.script(null), "nft", "-f", "-").orThrow();
        // re-applied in place (second sync): accepted and still working
        NftRuleset second = builder.build(List.of(new ServicePortEndpoints(web, both), new ServicePortEndpoints(empty, List.of())));
        run(node, second.script(first), "nft", "-f", "-").orThrow();

        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30 && seen.size() < 2; i++) {
            HostCommand.Result r = wget(node, "http://10.43.0.5/");
            assertThat(r.ok()).as("node -> ClusterIP: %s", r.stderr()).isTrue();
            seen.add(r.stdout().strip());
        }
        assertThat(seen).as("random load balancing").containsExactlyInAnyOrder("pod a", "pod b");
        assertThat(wget(node, "http://127.0.0.1:30080/").stdout()).startsWith("pod ");
        assertThat(wget(node, "http://127.0.0.50/").stdout()).as("load-balancer IP").startsWith("pod ");
        // from a pod, including to itself through the service (hairpin)
        String podA = netns.get(1);
        Set<String> fromPod = new HashSet<>();
        for (int i = 0; i < 30 && fromPod.size() < 2; i++) {
            HostCommand.Result r = wget(podA, "http://10.43.0.5/");
            assertThat(r.ok()).as("pod -> ClusterIP: %s", r.stderr()).isTrue();
            fromPod.add(r.stdout().strip());
        }
        assertThat(fromPod).contains("pod a", "pod b");
        assertThat(wget(podA, "http://10.42.0.1:30080/").stdout()).startsWith("pod ");

        for (String[] c : new String[][] {{node, "http://10.43.0.6/"}, {podA, "http://10.43.0.6/"},
                {node, "http://127.0.0.1:30081/"}, {node, "http://10.43.0.5:81/"}}) {
            long t0 = System.nanoTime();
            HostCommand.Result r = wget(c[0], c[1]);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.ok()).isFalse();
            assertThat(r.stderr()).as(c[1]).contains("Connection refused");
            assertThat(ms).as("refused at once: " + c[1]).isLessThan(1000);
        }

        // endpoints go: the next sync deletes their chains, and the service now refuses
        NftRuleset third = builder.build(List.of(new ServicePortEndpoints(web, List.of()), new ServicePortEndpoints(empty, List.of())));
        run(node, third.script(second), "nft", "-f", "-").orThrow();
        String listed = run(node, null, "nft", "list", "table", "ip", "kube4j-proxy").orThrow().stdout();
        assertThat(listed).doesNotContainPattern("chain (endpoint|service)-[A-Z2-7]{8}-").contains("10.43.0.5 . tcp . 80 : goto reject-chain");
        assertThat(wget(node, "http://10.43.0.5/").stderr()).contains("Connection refused");
    }
}
