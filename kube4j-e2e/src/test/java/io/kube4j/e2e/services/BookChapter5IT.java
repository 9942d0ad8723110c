package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 5 of the book, through the whole data path with nothing made by hand: the kubia RC exposed with
 * {@code kubectl expose} (the EndpointSlice controller makes the slices, kube-proxy serves them, the node's DNS
 * answers through the pod's own resolv.conf, i.e. 10.43.0.10 and kube-proxy again), curl (wget) the ClusterIP and
 * the service's names from a pod, session affinity, named ports, a NodePort on 127.0.0.1, a pod failing its
 * readiness probe leaving the endpoints and getting no more requests, and a headless service whose name resolves to
 * every ready pod. One namespace and one set of pods for the class (LoadBalancer and Ingress: LoadBalancerIT and
 * IngressIT, which own those shared resources).
 */
@Kube4jE2E
class BookChapter5IT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static TestNamespace ns;
    /** Pod name to pod IP of the three kubia pods. */
    private static Map<String, String> pods;
    private static String clusterIp;

    @BeforeAll
    static void exposeKubia(TestNamespace namespace) {
        ns = namespace;
        NodePods.apply(ns, EndpointsIT.KUBIA_RC); // named port http, ready while /tmp/notready is absent
        NodePods.apply(ns, NodePods.busybox("client"));
        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--port=80", "--target-port=8080")).succeeds()
                .printed("service/kubia exposed");
        NodePods.await("3 ready replicas", Duration.ofSeconds(90),
                () -> NodePods.jsonPath(ns, "rc/kubia", "{.status.readyReplicas}").equals("3"),
                () -> ns.kubectl().run("get", "pods", "-o", "wide").stdout()
                        + ns.kubectl().run("describe", "pods", "-l", "app=kubia").stdout()
                        + ns.kubectl().run("logs", "-l", "app=kubia", "--previous", "--tail=20").stdout());
        NodePods.waitReady(ns, "client");
        KubectlResult r = ns.kubectl().run("get", "pods", "-l", "app=kubia", "-o",
                "jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{\"\\n\"}{end}");
        assertThat(r).succeeds();
        pods = r.lines().stream().filter(l -> !l.isBlank()).map(l -> l.split(" "))
                .collect(Collectors.toMap(a -> a[0], a -> a[1]));
        assertThat(pods).hasSize(3);
        clusterIp = NodePods.jsonPath(ns, "svc/kubia", "{.spec.clusterIP}");
        awaitReadyEndpoints("kubia", pods.values());
    }

    /** Waits until the controller-made slices of {@code service} list exactly these ready addresses. */
    private static void awaitReadyEndpoints(String service, java.util.Collection<String> ips) {
        List<String> expected = ips.stream().sorted().toList();
        NodePods.await(service + " ready endpoints " + expected, TIMEOUT, () -> {
            KubectlResult r = ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=" + service,
                    "-o", "jsonpath={.items[*].endpoints[?(@.conditions.ready==true)].addresses[0]}");
            return r.succeeded() && EndpointsIT.words(r.stdout()).equals(expected);
        }, () -> ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=" + service, "-o",
                "yaml").stdout());
    }

    /** {@code count} requests to {@code url} from the client pod in one exec; the pod names that answered, in order. */
    private static List<String> requests(String url, int count) {
        KubectlResult r = ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("exec", "client", "--", "sh", "-c",
                "i=0; while [ $i -lt " + count + " ]; do timeout 5 wget -qO- " + url
                        + " || echo FAILED; i=$((i+1)); done");
        assertThat(r).succeeds();
        return r.lines().stream().filter(l -> !l.isBlank())
                .map(l -> l.startsWith("You've hit ") ? l.substring("You've hit ".length()) : l).toList();
    }

    /** Polls until {@code url} answers from the client pod (rules and DNS follow changes within about a second). */
    private static void awaitAnswer(String url) {
        List<String>[] last = new List[]{List.of()};
        NodePods.await(url + " answering from the client pod", Duration.ofSeconds(20), () -> {
            last[0] = requests(url, 1);
            return pods.containsKey(last[0].getFirst());
        }, () -> last[0]);
    }

    /** nslookup through the pod's resolv.conf (nameserver 10.43.0.10, search list), no server given. */
    private static KubectlResult nslookup(String name) {
        return ns.kubectl().run("exec", "client", "--", "timeout", "10", "nslookup", name);
    }

    /** The addresses in nslookup's answer section (after its "Name:" line; the server's address comes first). */
    private static Set<String> answers(KubectlResult r) {
        String out = r.stdout();
        int name = out.indexOf("Name:");
        if (name < 0) {
            return Set.of();
        }
        return out.substring(name).lines().filter(l -> l.startsWith("Address:"))
                .map(l -> l.substring("Address:".length()).trim()).collect(Collectors.toSet());
    }

    @Test
    void clusterIpAndServiceNamesAnswerFromAPod() {
        // exec curl the ClusterIP (busybox wget), then by name: short, with namespace, fully qualified
        awaitAnswer("http://" + clusterIp);
        assertThat(pods).containsKeys(requests("http://" + clusterIp, 5).toArray(String[]::new));
        // busybox nslookup applies the search list to names without a dot only (and exits 1 when any suffix says
        // NXDOMAIN, e.g. kubia.svc.cluster.local, as against upstream's CoreDNS): the answer is what counts.
        // kubia.NAMESPACE goes through the libc resolver (wget) below, as curl does in the book.
        for (String name : List.of("kubia", "kubia." + ns.name() + ".svc.cluster.local")) {
            KubectlResult r = nslookup(name);
            assertThat(r).as(name).stdoutContains("Server:\t\t10.43.0.10")
                    .stdoutContains("Name:\tkubia." + ns.name() + ".svc.cluster.local");
            assertThat(answers(r)).as(name).containsExactly(clusterIp);
        }
        awaitAnswer("http://kubia." + ns.name());
        assertThat(pods).containsKeys(requests("http://kubia", 3).toArray(String[]::new));
        assertThat(pods).containsKeys(requests("http://kubia." + ns.name() + ".svc.cluster.local", 3)
                .toArray(String[]::new));
        // random backends: more than one pod answers
        Set<String> hit = new HashSet<>(requests("http://" + clusterIp, 15));
        assertThat(hit).hasSizeGreaterThan(1);
        assertThat(pods).containsKeys(hit.toArray(String[]::new));
    }

    @Test
    void namedPortsAndClientIpAffinity() {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: kubia-named
                spec:
                  sessionAffinity: ClientIP
                  selector:
                    app: kubia
                  ports:
                  - name: http
                    port: 80
                    targetPort: http
                  - name: alt
                    port: 8081
                    targetPort: 8080
                """, "apply", "-f", "-")).succeeds();
        awaitReadyEndpoints("kubia-named", pods.values());
        awaitAnswer("http://kubia-named");
        List<String> sticky = requests("http://kubia-named", 10);
        assertThat(new HashSet<>(sticky)).as("ClientIP affinity: one pod for one client").hasSize(1);
        assertThat(pods).containsKey(sticky.getFirst());
        awaitAnswer("http://kubia-named:8081");
        assertThat(new HashSet<>(requests("http://kubia-named:8081", 5))).hasSize(1);
        assertThat(ns.kubectl().run("delete", "svc", "kubia-named")).succeeds();
    }

    @Test
    void nodePortAnswersOnTheNodeAddress() throws Exception {
        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--name=kubia-nodeport", "--type=NodePort",
                "--port=80", "--target-port=8080")).succeeds();
        int nodePort = Integer.parseInt(NodePods.jsonPath(ns, "svc/kubia-nodeport", "{.spec.ports[0].nodePort}"));
        assertThat(ns.kubectl().run("get", "svc", "kubia-nodeport")).succeeds()
                .hasLineMatching("kubia-nodeport\\s+NodePort\\s+10\\.43\\.\\S+\\s+<none>\\s+80:" + nodePort
                        + "/TCP\\s+\\S+");
        awaitReadyEndpoints("kubia-nodeport", pods.values());
        String[] body = {""};
        NodePods.await("NodePort 127.0.0.1:" + nodePort, Duration.ofSeconds(20), () -> {
            try {
                body[0] = NodePods.httpGet("127.0.0.1", nodePort).body();
                return body[0].startsWith("You've hit kubia-");
            } catch (Exception e) {
                body[0] = e.toString();
                return false;
            }
        }, () -> body[0]);
        Set<String> hit = new HashSet<>();
        for (int i = 0; i < 15 && hit.size() < 2; i++) {
            hit.add(NodePods.httpGet("127.0.0.1", nodePort).body().strip().substring("You've hit ".length()));
        }
        assertThat(pods).containsKeys(hit.toArray(String[]::new));
        assertThat(hit).hasSizeGreaterThan(1);
        assertThat(ns.kubectl().run("delete", "svc", "kubia-nodeport")).succeeds();
    }

    @Test
    void aPodFailingReadinessLeavesTheEndpointsAndTheHeadlessAnswer() {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: kubia-headless
                spec:
                  clusterIP: None
                  selector:
                    app: kubia
                  ports:
                  - port: 80
                    targetPort: 8080
                """, "apply", "-f", "-")).succeeds();
        awaitReadyEndpoints("kubia-headless", pods.values());
        String fqdn = "kubia-headless." + ns.name() + ".svc.cluster.local";
        NodePods.await("the headless name resolving to every pod", TIMEOUT,
                () -> answers(nslookup("kubia-headless")).equals(Set.copyOf(pods.values())),
                () -> nslookup("kubia-headless").stdout());
        assertThat(answers(nslookup(fqdn))).isEqualTo(Set.copyOf(pods.values()));
        awaitAnswer("http://kubia");

        String sick = pods.keySet().stream().sorted().findFirst().orElseThrow();
        Map<String, String> healthy = pods.entrySet().stream().filter(e -> !e.getKey().equals(sick))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(ns.kubectl().run("exec", sick, "--", "touch", "/tmp/notready")).succeeds();
        try {
            awaitReadyEndpoints("kubia", healthy.values());
            awaitReadyEndpoints("kubia-headless", healthy.values());
            assertThat(ns.kubectl().run("get", "pod", sick)).succeeds()
                    .hasLineMatching(sick + "\\s+0/1\\s+Running\\s+0\\s+\\S+");
            // kube-proxy follows the slice within about a second; then no request lands on the sick pod
            NodePods.await("15 requests none of which reach " + sick, Duration.ofSeconds(20),
                    () -> !requests("http://kubia", 15).contains(sick), () -> "");
            List<String> answered = requests("http://kubia." + ns.name(), 20);
            assertThat(answered).hasSize(20).doesNotContain(sick);
            assertThat(healthy).containsKeys(answered.toArray(String[]::new));
            NodePods.await("the headless name without the sick pod", TIMEOUT,
                    () -> answers(nslookup(fqdn)).equals(Set.copyOf(healthy.values())),
                    () -> nslookup(fqdn).stdout());
        } finally {
            ns.kubectl().run("exec", sick, "--", "rm", "-f", "/tmp/notready");
        }
        // ready again: back in the endpoints and in the answers
        awaitReadyEndpoints("kubia", pods.values());
        NodePods.await("the sick pod answering again", Duration.ofSeconds(20),
                () -> requests("http://kubia", 15).contains(sick), () -> "");
        NodePods.await("the headless name with every pod again", TIMEOUT,
                () -> answers(nslookup(fqdn)).equals(Set.copyOf(pods.values())), () -> nslookup(fqdn).stdout());
        assertThat(ns.kubectl().run("delete", "svc", "kubia-headless")).succeeds();
    }
}
