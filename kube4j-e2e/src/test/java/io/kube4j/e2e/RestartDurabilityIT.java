package io.kube4j.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durability: every acknowledged write survives {@code kill -9} of the server JVM. Uses a private server,
 * since it kills it, started on a fresh data directory and restarted on the same directory and port.
 */
class RestartDurabilityIT {
    private static final String DURABLE_OBJECTS = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: durable
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubia-manual
              namespace: durable
            spec:
              containers:
              - image: luksa/kubia
                name: kubia
                ports:
                - containerPort: 8080
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: durable
            data:
              a: "1"
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: creds
              namespace: durable
            stringData:
              password: s3cr3t
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: kubia
              namespace: durable
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: kubia
              template:
                metadata:
                  labels:
                    app: kubia
                spec:
                  containers:
                  - name: kubia
                    image: luksa/kubia
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: kubia
              namespace: durable
            spec:
              selector:
                app: kubia
              ports:
              - port: 80
                targetPort: 8080
            """;
    private Kube4jServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void objectsSurviveKillDashNine() throws Exception {
        server = Kube4jServer.startFresh("restart");
        Kubectl kubectl = Kubectl.forServer(server);
        String ns = "durable";
        // objects come from one manifest with client-side validation off: this test is about durability, so it
        // must not depend on the OpenAPI document or on kubectl's generators (covered by other tests)
        assertThat(kubectl.runWithStdin(DURABLE_OBJECTS, "create", "--validate=false", "-f", "-"))
                .succeeds()
                .printed("""
                        namespace/durable created
                        pod/kubia-manual created
                        configmap/settings created
                        secret/creds created
                        deployment.apps/kubia created
                        service/kubia created""");
        Kubectl k = kubectl.inNamespace(ns);
        assertThat(k.run("label", "po", "kubia-manual", "creation_method=manual")).succeeds();
        assertThat(k.run("scale", "deployment", "kubia", "--replicas=3")).succeeds();
        assertThat(k.run("delete", "configmap", "settings")).succeeds();
        // the very last write before the crash must be durable too
        assertThat(k.run("annotate", "po", "kubia-manual", "last=write")).succeeds();

        List<String[]> objects = List.of(
                new String[]{"namespace", ns, null},
                new String[]{"pod", "kubia-manual", ns},
                new String[]{"secret", "creds", ns},
                new String[]{"deployment.apps", "kubia", ns},
                new String[]{"service", "kubia", ns});
        Map<String, String> before = snapshot(kubectl, objects);
        String clusterIp = k.run("get", "svc", "kubia", "-o", "jsonpath={.spec.clusterIP}").out();

        long pid = server.pid();
        assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse(""))
                .as("the PID we kill is the server JVM itself").endsWith("java");
        server.kill();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();

        server = server.restart();
        assertThat(server.pid()).isNotEqualTo(pid);

        assertThat(snapshot(kubectl, objects)).as("uid and resourceVersion of every object after kill -9").isEqualTo(before);
        assertThat(k.run("get", "po", "kubia-manual", "-o", "jsonpath={.metadata.labels.creation_method} {.metadata.annotations.last}"))
                .succeeds().printed("manual write");
        assertThat(k.run("get", "deploy", "kubia", "-o", "jsonpath={.spec.replicas}")).succeeds().printed("3");
        assertThat(k.run("get", "secret", "creds", "-o", "jsonpath={.data.password}")).succeeds().printed("czNjcjN0");
        assertThat(k.run("get", "svc", "kubia", "-o", "jsonpath={.spec.clusterIP}")).succeeds().printed(clusterIp);
        // the allocation survived too: the address can't be taken by another Service
        assertThat(k.run("create", "service", "clusterip", "other", "--tcp=80", "--clusterip=" + clusterIp))
                .exitsWith(1).printedError("error: failed to create ClusterIP service: Service \"other\" is invalid: "
                        + "spec.clusterIPs: Invalid value: []string{\"" + clusterIp + "\"}: failed to allocate IP "
                        + clusterIp + ": provided IP is already allocated");
        assertThat(k.run("get", "configmap", "settings"))
                .exitsWith(1).printedError("Error from server (NotFound): configmaps \"settings\" not found");

        // writing goes on from where it stopped: resourceVersions keep increasing
        long lastRv = before.values().stream().mapToLong(v -> Long.parseLong(v.substring(v.indexOf(' ') + 1))).max().orElseThrow();
        assertThat(k.runWithStdin("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-restart\n", "create", "--validate=false", "-f", "-"))
                .succeeds().printed("configmap/after-restart created");
        String newRv = k.run("get", "cm", "after-restart", "-o", "jsonpath={.metadata.resourceVersion}").out();
        assertThat(Long.parseLong(newRv)).isGreaterThan(lastRv);
    }

    @Test
    void gracefulStopAndRestartKeepsObjects() throws Exception {
        server = Kube4jServer.startFresh("graceful");
        Kubectl kubectl = Kubectl.forServer(server).inNamespace("default");
        assertThat(kubectl.runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "--validate=false", "-f", "-")).succeeds();
        String rv = kubectl.run("get", "po", "kubia-manual", "-o", "jsonpath={.metadata.resourceVersion}").out();
        server.close();
        server = server.restart();
        assertThat(kubectl.run("get", "po", "kubia-manual", "-o", "jsonpath={.metadata.resourceVersion}")).succeeds().printed(rv);
        assertThat(kubectl.run("get", "ns", "-o", "name"))
                .succeeds().stdoutContains("namespace/default", "namespace/kube-system", "namespace/kube-public", "namespace/kube-node-lease");
    }

    /** "kind/name" -> "uid resourceVersion", read with kubectl. */
    private static Map<String, String> snapshot(Kubectl kubectl, List<String[]> objects) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String[] o : objects) {
            Kubectl k = o[2] == null ? kubectl : kubectl.inNamespace(o[2]);
            KubectlResult r = k.run("get", o[0], o[1], "-o", "jsonpath={.metadata.uid} {.metadata.resourceVersion}");
            assertThat(r).succeeds().hasLineMatching("\\S+ \\d+");
            out.put(o[0] + "/" + o[1], r.out());
        }
        return out;
    }
}
