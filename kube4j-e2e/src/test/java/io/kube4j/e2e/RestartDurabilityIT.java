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
        assertThat(kubectl.run("create", "namespace", ns)).succeeds();
        Kubectl k = kubectl.inNamespace(ns);
        assertThat(k.runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "-f", "-")).succeeds();
        assertThat(k.run("label", "po", "kubia-manual", "creation_method=manual")).succeeds();
        assertThat(k.run("create", "configmap", "settings", "--from-literal=a=1")).succeeds();
        assertThat(k.run("create", "secret", "generic", "creds", "--from-literal=password=s3cr3t")).succeeds();
        assertThat(k.run("create", "deployment", "kubia", "--image=luksa/kubia")).succeeds();
        assertThat(k.run("scale", "deployment", "kubia", "--replicas=3")).succeeds();
        assertThat(k.run("create", "service", "clusterip", "kubia", "--tcp=80:8080")).succeeds();
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
        assertThat(k.run("get", "configmap", "settings"))
                .exitsWith(1).printedError("Error from server (NotFound): configmaps \"settings\" not found");

        // writing goes on from where it stopped: resourceVersions keep increasing
        long lastRv = before.values().stream().mapToLong(v -> Long.parseLong(v.substring(v.indexOf(' ') + 1))).max().orElseThrow();
        assertThat(k.run("create", "configmap", "after-restart", "--from-literal=b=2")).succeeds().printed("configmap/after-restart created");
        String newRv = k.run("get", "cm", "after-restart", "-o", "jsonpath={.metadata.resourceVersion}").out();
        assertThat(Long.parseLong(newRv)).isGreaterThan(lastRv);
    }

    @Test
    void gracefulStopAndRestartKeepsObjects() throws Exception {
        server = Kube4jServer.startFresh("graceful");
        Kubectl kubectl = Kubectl.forServer(server).inNamespace("default");
        assertThat(kubectl.runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "-f", "-")).succeeds();
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
