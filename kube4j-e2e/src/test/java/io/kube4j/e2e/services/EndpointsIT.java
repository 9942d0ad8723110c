package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Endpoints and EndpointSlices of services with real kubectl and real pods: the Endpoints, EndpointSlice and
 * mirroring controllers, the API server's own endpoints, and the refusal of clashing cluster IPs and node ports.
 */
@Kube4jE2E
class EndpointsIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The book's kubia RC with a named container port and a readiness probe that fails once /tmp/notready exists. */
    static final String KUBIA_RC = """
            apiVersion: v1
            kind: ReplicationController
            metadata:
              name: kubia
            spec:
              replicas: 3
              selector:
                app: kubia
              template:
                metadata:
                  labels:
                    app: kubia
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: kubia
                    image: %s
                    ports:
                    - name: http
                      containerPort: 8080
                    readinessProbe:
                      exec:
                        command: ["sh", "-c", "test ! -e /tmp/notready"]
                      periodSeconds: 1
                      failureThreshold: 1
            """.formatted(NodePods.KUBIA);

    static final String NAMED_MULTI_PORT = """
            apiVersion: v1
            kind: Service
            metadata:
              name: kubia-named
            spec:
              selector:
                app: kubia
              ports:
              - name: http
                port: 80
                targetPort: http
              - name: alt
                port: 81
                targetPort: 8080
            """;

    static String ip(String s, String jsonPath, TestNamespace ns) {
        return NodePods.jsonPath(ns, s, jsonPath).trim();
    }

    static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.stream(s.trim().split("\\s+")).sorted().toList();
    }

    static void awaitJson(TestNamespace ns, String what, String resource, String expr, List<String> expected) {
        NodePods.await(what, TIMEOUT, () -> {
            KubectlResult r = ns.kubectl().run("get", resource, "-o", "jsonpath=" + expr);
            return r.succeeded() && words(r.stdout()).equals(expected.stream().sorted().toList());
        }, () -> ns.kubectl().run("get", resource, "-o", "yaml").stdout());
    }

    static String sliceOf(String service) {
        return "endpointslices -l kubernetes.io/service-name=" + service;
    }

    static void awaitSlices(TestNamespace ns, String what, String service, String expr, List<String> expected) {
        NodePods.await(what, TIMEOUT, () -> {
            KubectlResult r = ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=" + service,
                    "-o", "jsonpath=" + expr);
            return r.succeeded() && words(r.stdout()).equals(expected.stream().sorted().toList());
        }, () -> ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=" + service, "-o", "yaml")
                .stdout());
    }

    @Test
    void servicePodsBecomeEndpointsAndSlicesFollowingReadinessPortsAndScale(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(KUBIA_RC, "create", "-f", "-")).succeeds()
                .printed("replicationcontroller/kubia created");
        NodePods.await("3 ready replicas", TIMEOUT,
                () -> NodePods.jsonPath(ns, "rc/kubia", "{.status.readyReplicas}").equals("3"),
                () -> ns.kubectl().run("get", "pods", "-o", "wide").stdout());
        List<String> pods = words(NodePods.jsonPath(ns, "pods", "{.items[*].metadata.name}"));
        List<String> ips = words(NodePods.jsonPath(ns, "pods", "{.items[*].status.podIP}"));
        assertThat(ips).hasSize(3);
        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--port=80", "--target-port=8080")).succeeds()
                .printed("service/kubia exposed");

        awaitJson(ns, "3 ready addresses", "endpoints/kubia", "{.subsets[*].addresses[*].ip}", ips);
        List<String> sorted = ips.stream().sorted((a, b) -> Integer.compare(last(a), last(b))).toList();
        assertThat(ns.kubectl().run("get", "endpoints", "kubia")).succeeds()
                .headerMatches("NAME\\s+ENDPOINTS\\s+AGE")
                .hasLineMatching("kubia\\s+" + sorted.get(0) + ":8080," + sorted.get(1) + ":8080," + sorted.get(2)
                        + ":8080\\s+\\d+s");
        awaitSlices(ns, "3 ready slice endpoints", "kubia", "{.items[*].endpoints[*].conditions.ready}",
                List.of("true", "true", "true"));
        assertThat(ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=kubia")).succeeds()
                .headerMatches("NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE")
                .hasLineMatching("kubia-[a-z0-9]{5}\\s+IPv4\\s+8080\\s+\\S+,\\S+,\\S+\\s+\\d+s");
        assertThat(NodePods.jsonPath(ns, "endpointslices", "{.items[0].metadata.labels}"))
                .contains("\"endpointslice.kubernetes.io/managed-by\":\"endpointslice-controller.k8s.io\"");
        assertThat(NodePods.jsonPath(ns, "endpointslices", "{.items[0].metadata.ownerReferences[0].kind}"))
                .isEqualTo("Service");
        KubectlResult describe = ns.kubectl().run("describe", "svc", "kubia");
        assertThat(describe).succeeds().stdoutContains("Endpoints:");
        for (String ip : ips) {
            assertThat(describe).stdoutContains(ip + ":8080");
        }

        // a pod failing its readiness probe moves to notReadyAddresses, ready=false in its slice
        String sick = pods.getFirst();
        String sickIp = ip("pod/" + sick, "{.status.podIP}", ns);
        assertThat(ns.kubectl().run("exec", sick, "--", "touch", "/tmp/notready")).succeeds();
        awaitJson(ns, "the sick pod not ready", "endpoints/kubia", "{.subsets[*].notReadyAddresses[*].ip}",
                List.of(sickIp));
        awaitSlices(ns, "the sick pod's endpoint not ready", "kubia",
                "{.items[*].endpoints[?(@.addresses[0]==\"" + sickIp + "\")].conditions.ready}", List.of("false"));
        assertThat(ns.kubectl().run("get", "endpoints", "kubia")).succeeds()
                .hasLineMatching("kubia\\s+\\S+:8080,\\S+:8080\\s+\\d+s");

        // publishNotReadyAddresses publishes it anyway
        assertThat(ns.kubectl().run("patch", "svc", "kubia", "-p", "{\"spec\":{\"publishNotReadyAddresses\":true}}"))
                .succeeds();
        awaitJson(ns, "every pod published", "endpoints/kubia", "{.subsets[*].addresses[*].ip}", ips);
        awaitSlices(ns, "every endpoint ready", "kubia", "{.items[*].endpoints[*].conditions.ready}",
                List.of("true", "true", "true"));
        awaitSlices(ns, "the sick pod not serving", "kubia",
                "{.items[*].endpoints[?(@.addresses[0]==\"" + sickIp + "\")].conditions.serving}", List.of("false"));

        // a named target port and two ports
        assertThat(ns.kubectl().runWithStdin(NAMED_MULTI_PORT, "create", "-f", "-")).succeeds();
        awaitJson(ns, "both ports on 8080", "endpoints/kubia-named", "{.subsets[*].ports[*].name}:{.subsets[*].ports[*].port}",
                List.of("alt", "http:8080", "8080"));
        awaitSlices(ns, "the slice's two ports", "kubia-named", "{.items[*].ports[*].name}", List.of("alt", "http"));
        assertThat(ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=kubia-named"))
                .succeeds().hasLineMatching("kubia-named-[a-z0-9]{5}\\s+IPv4\\s+8080,8080\\s+\\S+\\s+\\d+s");
        assertThat(ns.kubectl().run("get", "endpoints", "kubia-named")).succeeds()
                .hasLineMatching("kubia-named\\s+\\S+:8080,\\S+:8080,\\S+:8080 \\+ \\d+ more\\.\\.\\.\\s+\\d+s");

        // scaling down shrinks the endpoints
        assertThat(ns.kubectl().run("scale", "rc", "kubia", "--replicas=1")).succeeds();
        NodePods.await("one endpoint", TIMEOUT, () -> words(NodePods.jsonPath(ns, "endpoints/kubia",
                "{.subsets[*].addresses[*].ip} {.subsets[*].notReadyAddresses[*].ip}")).size() == 1,
                () -> ns.kubectl().run("get", "endpoints", "kubia", "-o", "yaml").stdout());
        awaitSlices(ns, "one slice endpoint", "kubia", "{.items[*].endpoints[*].conditions.ready}", List.of("true"));

        // the Endpoints of a deleted service go with it
        assertThat(ns.kubectl().run("delete", "svc", "kubia-named")).succeeds();
        NodePods.await("kubia-named endpoints gone", TIMEOUT,
                () -> !ns.kubectl().run("get", "endpoints", "kubia-named").succeeded(), () -> "");
    }

    private static int last(String ip) {
        return Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
    }

    @Test
    void selectorlessEndpointsAreMirroredAndClashingAddressesRefused(TestNamespace ns) {
        // 10.42.200.10: inside the pod range, which never leaves the machine; nothing is sent to it here
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: external
                spec:
                  ports:
                  - name: web
                    port: 80
                ---
                apiVersion: v1
                kind: Endpoints
                metadata:
                  name: external
                subsets:
                - addresses:
                  - ip: 10.42.200.10
                  ports:
                  - name: web
                    port: 8080
                """, "create", "-f", "-")).succeeds();
        awaitSlices(ns, "the mirrored slice", "external", "{.items[*].endpoints[*].addresses[0]}",
                List.of("10.42.200.10"));
        assertThat(ns.kubectl().run("get", "endpointslices", "-l", "kubernetes.io/service-name=external")).succeeds()
                .hasLineMatching("external-[a-z0-9]{5}\\s+IPv4\\s+8080\\s+10\\.42\\.200\\.10\\s+\\d+s");
        assertThat(NodePods.jsonPath(ns, "endpointslices", "{.items[0].metadata.labels}"))
                .contains("\"endpointslice.kubernetes.io/managed-by\":\"endpointslicemirroring-controller.k8s.io\"");
        assertThat(ns.kubectl().run("get", "endpoints", "external")).succeeds()
                .hasLineMatching("external\\s+10\\.42\\.200\\.10:8080\\s+\\d+s");
        // labelled skip-mirror: the slice goes, the Endpoints stay
        assertThat(ns.kubectl().run("label", "endpoints", "external", "endpointslice.kubernetes.io/skip-mirror=true"))
                .succeeds();
        awaitSlices(ns, "no mirrored slice", "external", "{.items[*].metadata.name}", List.of());
        assertThat(ns.kubectl().run("get", "endpoints", "external")).succeeds();

        // a service without pods: <none> endpoints
        assertThat(ns.kubectl().run("create", "service", "clusterip", "lonely", "--tcp=80:8080")).succeeds();
        NodePods.await("lonely endpoints", TIMEOUT, () -> ns.kubectl().run("get", "endpoints", "lonely").succeeded(),
                () -> "");
        assertThat(ns.kubectl().run("get", "endpoints", "lonely")).succeeds()
                .hasLineMatching("lonely\\s+<none>\\s+\\d+s");

        // the API server's own endpoints
        KubectlResult kubernetes = ns.kubectl().run("get", "endpoints", "kubernetes", "-n", "default");
        assertThat(kubernetes).succeeds().hasLineMatching("kubernetes\\s+\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+\\s+\\S+");
        assertThat(ns.kubectl().run("get", "endpointslice", "kubernetes", "-n", "default")).succeeds()
                .hasLineMatching("kubernetes\\s+IPv4\\s+\\d+\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+\\S+");

        // clashing cluster IPs and node ports are refused with upstream's messages
        assertThat(ns.kubectl().run("create", "service", "clusterip", "first", "--tcp=80", "--clusterip=10.43.222.7"))
                .succeeds();
        assertThat(ns.kubectl().run("create", "service", "clusterip", "second", "--tcp=80", "--clusterip=10.43.222.7"))
                .exitsWith(1).stderrContains("error: failed to create ClusterIP service: Service \"second\" is invalid: spec.clusterIPs: Invalid value: "
                        + "[]string{\"10.43.222.7\"}: failed to allocate IP 10.43.222.7: provided IP is already allocated");
        assertThat(ns.kubectl().run("create", "service", "nodeport", "np1", "--tcp=80", "--node-port=31777")).succeeds();
        assertThat(ns.kubectl().run("create", "service", "nodeport", "np2", "--tcp=80", "--node-port=31777"))
                .exitsWith(1).stderrContains("error: failed to create NodePort service: Service \"np2\" is invalid: spec.ports[0].nodePort: Invalid value: "
                        + "31777: provided port is already allocated");
    }
}
