package io.kube4j.e2e.services;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.controllers.ReplicatedPods;
import io.kube4j.e2e.node.NodePods;

/**
 * Chapter 5's services through kube-proxy on nftables, with real kubectl and real containers: a ClusterIP answers
 * from random backends (from a pod and from the host), ClientIP affinity sticks, a NodePort answers on 127.0.0.1, a
 * pod reaches itself through its service, and a service without endpoints refuses at once.
 *
 * <p>Endpoints come from EndpointSlices made by hand (label {@code kubernetes.io/service-name}), which kube-proxy
 * serves like any other slice; an EndpointSlice controller, where there is one, adds its own with the same addresses.
 */
@Kube4jE2E
class ServicesIT {

    private static final Duration SYNC = Duration.ofSeconds(20);

    /** A slice for {@code service} with these pod IPs on port 8080 (unnamed port, as kubectl expose makes). */
    private static void slice(TestNamespace ns, String service, String portName, List<String> ips) {
        String endpoints = ips.stream().map(ip -> """
                - addresses: ["%s"]
                  conditions: {ready: true}
                  nodeName: %s
                """.formatted(ip, NodePods.NODE)).collect(Collectors.joining());
        NodePods.apply(ns, """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s-e2e
                  labels:
                    kubernetes.io/service-name: %s
                    endpointslice.kubernetes.io/managed-by: e2e.kube4j.io
                addressType: IPv4
                ports:
                - port: 8080
                  protocol: TCP
                %s
                endpoints:%s""".formatted(service, service, portName == null ? "" : "  name: " + portName,
                endpoints.isEmpty() ? " []\n" : "\n" + endpoints));
    }

    private static List<String> kubiaPods(TestNamespace ns) {
        KubectlResult r = ns.kubectl().run("get", "pods", "-l", "app=kubia", "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{\"\\n\"}{end}");
        assertThat(r).succeeds();
        return r.lines().stream().filter(l -> !l.isBlank()).toList();
    }

    private static KubectlResult wgetFrom(TestNamespace ns, String pod, String url) {
        return ns.kubectl().run("exec", pod, "--", "timeout", "5", "wget", "-qO-", url);
    }

    /** Polls until {@code url} answers from {@code pod} (rules are synced within about a second). */
    private static String awaitAnswer(TestNamespace ns, String pod, String url) {
        String[] last = {""};
        NodePods.await(url + " answering from " + pod, SYNC, () -> {
            KubectlResult r = wgetFrom(ns, pod, url);
            last[0] = r.stdout() + r.stderr();
            return r.succeeded() && r.stdout().startsWith("You've hit ");
        }, () -> last[0]);
        return last[0];
    }

    @Test
    void clusterIpNodePortAffinityAndHairpin(TestNamespace ns) throws Exception {
        NodePods.apply(ns, ReplicatedPods.kubiaRc("kubia", 3));
        NodePods.apply(ns, NodePods.busybox("client"));
        NodePods.await("3 kubia pods with IPs", Duration.ofSeconds(90),
                () -> kubiaPods(ns).stream().filter(l -> l.split(" ").length == 2).count() == 3,
                () -> ns.kubectl().run("get", "pods", "-o", "wide").stdout());
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(90)).run("wait", "--for=condition=Ready", "pod",
                "-l", "app=kubia", "--timeout=60s")).succeeds();
        NodePods.waitReady(ns, "client");
        List<String> pods = kubiaPods(ns);
        List<String> ips = pods.stream().map(l -> l.split(" ")[1]).toList();

        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--port=80", "--target-port=8080")).succeeds()
                .printed("service/kubia exposed");
        String clusterIp = NodePods.jsonPath(ns, "svc/kubia", "{.spec.clusterIP}");
        assertThat(clusterIp).startsWith("10.43.");
        slice(ns, "kubia", null, ips);

        // from a pod: answers, and repeated calls land on more than one pod
        awaitAnswer(ns, "client", "http://" + clusterIp);
        Set<String> hit = new HashSet<>();
        for (int i = 0; i < 20 && hit.size() < 2; i++) {
            KubectlResult r = wgetFrom(ns, "client", "http://" + clusterIp);
            assertThat(r).succeeds();
            hit.add(r.stdout().strip());
        }
        assertThat(hit).as("random backends").hasSizeGreaterThan(1)
                .allMatch(h -> h.startsWith("You've hit kubia-"));

        // from the host (the test JVM): the ClusterIP answers too
        assertThat(NodePods.httpGet(clusterIp, 80).body()).startsWith("You've hit kubia-");

        // NodePort on 127.0.0.1
        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--name=kubia-nodeport", "--type=NodePort",
                "--port=80", "--target-port=8080")).succeeds();
        int nodePort = Integer.parseInt(NodePods.jsonPath(ns, "svc/kubia-nodeport", "{.spec.ports[0].nodePort}"));
        assertThat(nodePort).isBetween(30000, 32767);
        slice(ns, "kubia-nodeport", null, ips);
        String[] body = {""};
        NodePods.await("NodePort 127.0.0.1:" + nodePort, SYNC, () -> {
            try {
                body[0] = NodePods.httpGet("127.0.0.1", nodePort).body();
                return body[0].startsWith("You've hit kubia-");
            } catch (Exception e) {
                body[0] = e.toString();
                return false;
            }
        }, () -> body[0]);

        // a pod reaching itself through a service (hairpin): a service whose only endpoint is that pod
        String self = pods.getFirst().split(" ")[0];
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: self
                spec:
                  ports:
                  - port: 80
                    targetPort: 8080
                """, "apply", "-f", "-")).succeeds();
        slice(ns, "self", null, List.of(ips.getFirst()));
        String selfIp = NodePods.jsonPath(ns, "svc/self", "{.spec.clusterIP}");
        assertThat(awaitAnswer(ns, self, "http://" + selfIp)).startsWith("You've hit " + self);

        // ClientIP affinity: every call from one client lands on one pod
        assertThat(ns.kubectl().run("patch", "svc", "kubia", "-p",
                "{\"spec\":{\"sessionAffinity\":\"ClientIP\",\"sessionAffinityConfig\":{\"clientIP\":{\"timeoutSeconds\":60}}}}"))
                .succeeds();
        NodePods.await("affinity in the rules", SYNC, () -> {
            KubectlResult r = wgetFrom(ns, "client", "http://" + clusterIp);
            Set<String> seen = new HashSet<>();
            seen.add(r.stdout().strip());
            for (int i = 0; i < 6; i++) {
                seen.add(wgetFrom(ns, "client", "http://" + clusterIp).stdout().strip());
            }
            return seen.size() == 1;
        }, () -> "still spread");
        Set<String> sticky = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            KubectlResult r = wgetFrom(ns, "client", "http://" + clusterIp);
            assertThat(r).succeeds();
            sticky.add(r.stdout().strip());
        }
        assertThat(sticky).as("sticky").hasSize(1);
    }

    @Test
    void aServiceWithoutEndpointsRefusesAtOnceFromPodsAndTheHost(TestNamespace ns) throws Exception {
        NodePods.createReady(ns, NodePods.busybox("client"), "client");
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: nothing
                spec:
                  type: NodePort
                  ports:
                  - port: 80
                    targetPort: 8080
                """, "apply", "-f", "-")).succeeds();
        String ip = NodePods.jsonPath(ns, "svc/nothing", "{.spec.clusterIP}");
        int nodePort = Integer.parseInt(NodePods.jsonPath(ns, "svc/nothing", "{.spec.ports[0].nodePort}"));
        // from the host: connection refused, quickly (once the rules include the service)
        for (InetSocketAddress target : List.of(new InetSocketAddress(ip, 80), new InetSocketAddress("127.0.0.1", nodePort))) {
            String[] last = {""};
            NodePods.await("refused at once: " + target, SYNC, () -> {
                long t0 = System.nanoTime();
                try (Socket s = new Socket()) {
                    s.connect(target, 3000);
                    last[0] = "connected";
                    return false;
                } catch (ConnectException e) {
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    last[0] = e.getMessage() + " after " + ms + " ms";
                    return e.getMessage().contains("Connection refused") && ms < 500;
                } catch (IOException e) {
                    last[0] = e.toString();
                    return false;
                }
            }, () -> last[0]);
        }
        // from a pod
        long t0 = System.nanoTime();
        KubectlResult r = wgetFrom(ns, "client", "http://" + ip);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.succeeded()).isFalse();
        assertThat(r.stderr()).contains("Connection refused");
        assertThat(ms).as("exec + refused, no 5 s timeout").isLessThan(4000);
        // an endpoint appears: the same service answers; it goes: refused again
        NodePods.createReady(ns, NodePods.kubia("backend"), "backend");
        slice(ns, "nothing", null, List.of(NodePods.podIp(ns, "backend")));
        assertThat(awaitAnswer(ns, "client", "http://" + ip)).startsWith("You've hit backend");
        slice(ns, "nothing", null, List.of());
        NodePods.await("refused again", SYNC, () -> wgetFrom(ns, "client", "http://" + ip).stderr()
                .contains("Connection refused"), () -> "");
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(ip, 80), 3000);
            }
        }).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
    }
}
