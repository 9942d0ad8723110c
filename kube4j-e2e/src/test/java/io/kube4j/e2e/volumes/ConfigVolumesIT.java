package io.kube4j.e2e.volumes;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 7's configuration volumes with real kubectl and containers: ConfigMaps (whole, items, defaultMode,
 * subPath), Secrets on tmpfs, edits reaching running pods through {@code ..data}, the downward API following
 * {@code kubectl label}, and a pod waiting in ContainerCreating for a ConfigMap that does not exist yet.
 */
@Kube4jE2E
class ConfigVolumesIT {
    private static final Duration UPDATE_WAIT = Duration.ofSeconds(90);

    /** A busybox pod (stops at once on SIGTERM) with the given volumeMounts and volumes YAML blocks. */
    private static String pod(String name, String labels, String mounts, String volumes) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: {%s}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                    volumeMounts:
                %s
                  volumes:
                %s
                """.formatted(name, labels, NodePods.BUSYBOX, mounts.stripTrailing(), volumes.stripTrailing());
    }

    private static KubectlResult exec(TestNamespace ns, String pod, String... command) {
        String[] args = new String[command.length + 3];
        args[0] = "exec";
        args[1] = pod;
        args[2] = "--";
        System.arraycopy(command, 0, args, 3, command.length);
        return ns.kubectl().run(args);
    }

    private static void awaitFile(TestNamespace ns, String pod, String path, String content) {
        NodePods.await(path + " in " + pod + " reads " + content, UPDATE_WAIT,
                () -> {
                    NodePods.sleep(1000); // one exec a second is enough for a minute-scale update
                    return content.equals(exec(ns, pod, "cat", path).stdout());
                },
                () -> "last: " + exec(ns, pod, "cat", path));
    }

    @Test
    void configMapFromLiteralsAndFilesIsMountedWithItemsModesAndSubPath(TestNamespace ns) throws Exception {
        Path conf = Files.createTempFile("my-nginx-config", ".conf");
        try {
            Files.writeString(conf, "server { listen 80; }\n");
            assertThat(ns.kubectl().run("create", "configmap", "fortune-config", "--from-literal=sleep-interval=25",
                    "--from-file=my-nginx-config.conf=" + conf)).succeeds();
        } finally {
            Files.deleteIfExists(conf);
        }
        NodePods.createReady(ns, pod("cfg", "", """
                    - {name: all, mountPath: /etc/all}
                    - {name: picked, mountPath: /etc/picked}
                    - {name: all, mountPath: /etc/interval, subPath: sleep-interval}
                """, """
                  - name: all
                    configMap: {name: fortune-config, defaultMode: 0600}
                  - name: picked
                    configMap:
                      name: fortune-config
                      items:
                      - {key: my-nginx-config.conf, path: nginx/gzip.conf, mode: 0444}
                """), "cfg");

        assertThat(exec(ns, "cfg", "cat", "/etc/all/sleep-interval")).succeeds().printed("25");
        assertThat(exec(ns, "cfg", "cat", "/etc/all/my-nginx-config.conf")).succeeds()
                .printed("server { listen 80; }\n");
        assertThat(exec(ns, "cfg", "stat", "-L", "-c", "%a", "/etc/all/sleep-interval")).succeeds().printed("600\n");
        assertThat(exec(ns, "cfg", "ls", "-a", "/etc/all")).succeeds().stdoutContains("..data")
                .stdoutContains("sleep-interval");
        assertThat(exec(ns, "cfg", "readlink", "/etc/all/sleep-interval")).succeeds()
                .printed("..data/sleep-interval\n");
        assertThat(exec(ns, "cfg", "cat", "/etc/picked/nginx/gzip.conf")).succeeds()
                .printed("server { listen 80; }\n");
        assertThat(exec(ns, "cfg", "stat", "-L", "-c", "%a", "/etc/picked/nginx/gzip.conf")).succeeds()
                .printed("444\n");
        assertThat(exec(ns, "cfg", "ls", "/etc/picked")).succeeds().printed("nginx\n");
        assertThat(exec(ns, "cfg", "cat", "/etc/interval")).succeeds().printed("25");
        assertThat(exec(ns, "cfg", "sh", "-c", "echo x > /etc/all/new")).exitsWith(1)
                .stderrContains("Read-only file system");

        // an edit reaches the mounted files within about a minute; the subPath file stays as it was
        assertThat(ns.kubectl().run("patch", "configmap", "fortune-config", "--type=merge", "-p",
                "{\"data\":{\"sleep-interval\":\"10\"}}")).succeeds();
        awaitFile(ns, "cfg", "/etc/all/sleep-interval", "10");
        assertThat(exec(ns, "cfg", "cat", "/etc/interval")).succeeds().printed("25");
        assertThat(exec(ns, "cfg", "readlink", "/etc/all/..data")).succeeds().stdoutContains("..20");
    }

    @Test
    void secretIsMountedOnTmpfs(TestNamespace ns) {
        assertThat(ns.kubectl().run("create", "secret", "generic", "fortune-https", "--from-literal=https.key=KEY",
                "--from-literal=https.cert=CERT")).succeeds();
        NodePods.createReady(ns, pod("sec", "", """
                    - {name: certs, mountPath: /etc/nginx/certs/, readOnly: true}
                """, """
                  - name: certs
                    secret: {secretName: fortune-https}
                """), "sec");
        assertThat(exec(ns, "sec", "cat", "/etc/nginx/certs/https.key")).succeeds().printed("KEY");
        assertThat(exec(ns, "sec", "cat", "/etc/nginx/certs/https.cert")).succeeds().printed("CERT");
        assertThat(exec(ns, "sec", "stat", "-L", "-c", "%a", "/etc/nginx/certs/https.key")).succeeds()
                .printed("644\n");
        assertThat(exec(ns, "sec", "grep", "/etc/nginx/certs", "/proc/mounts")).succeeds()
                .stdoutContains("tmpfs /etc/nginx/certs tmpfs ro");
    }

    @Test
    void downwardApiVolumeFollowsKubectlLabel(TestNamespace ns) {
        NodePods.createReady(ns, pod("downward", "app: web, tier: front", """
                    - {name: podinfo, mountPath: /etc/podinfo}
                """, """
                  - name: podinfo
                    downwardAPI:
                      items:
                      - {path: podName, fieldRef: {fieldPath: metadata.name}}
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - path: memLimit
                        resourceFieldRef: {containerName: main, resource: limits.memory, divisor: 1Mi}
                """).replace("    command:", "    resources: {limits: {memory: 64Mi}}\n    command:"), "downward");
        assertThat(exec(ns, "downward", "cat", "/etc/podinfo/podName")).succeeds().printed("downward");
        assertThat(exec(ns, "downward", "cat", "/etc/podinfo/labels")).succeeds()
                .printed("app=\"web\"\ntier=\"front\"");
        assertThat(exec(ns, "downward", "cat", "/etc/podinfo/memLimit")).succeeds().printed("64");

        assertThat(ns.kubectl().run("label", "pod", "downward", "app=api", "--overwrite")).succeeds();
        awaitFile(ns, "downward", "/etc/podinfo/labels", "app=\"api\"\ntier=\"front\"");
    }

    @Test
    void aPodWaitsInContainerCreatingForItsConfigMapAndStartsOnceItExists(TestNamespace ns) {
        NodePods.apply(ns, pod("needs-config", "", """
                    - {name: cfg, mountPath: /etc/cfg}
                """, """
                  - name: cfg
                    configMap: {name: settings}
                """));
        NodePods.awaitEvent(ns, "needs-config", l -> l.contains("FailedMount"), Duration.ofSeconds(30));
        assertThat(NodePods.events(ns, "needs-config")).contains("Warning FailedMount MountVolume.SetUp failed for "
                + "volume \"cfg\" : configmap \"settings\" not found");
        assertThat(ns.kubectl().run("get", "pod", "needs-config")).succeeds()
                .hasLineMatching("needs-config\\s+0/1\\s+ContainerCreating\\s+0\\s+\\S+");

        assertThat(ns.kubectl().run("create", "configmap", "settings", "--from-literal=color=blue")).succeeds();
        NodePods.waitReady(ns, "needs-config");
        assertThat(exec(ns, "needs-config", "cat", "/etc/cfg/color")).succeeds().printed("blue");
    }

    @Test
    void projectedVolumeMergesConfigMapSecretAndDownwardApi(TestNamespace ns) {
        assertThat(ns.kubectl().run("create", "configmap", "app-config", "--from-literal=color=blue")).succeeds();
        assertThat(ns.kubectl().run("create", "secret", "generic", "app-secret", "--from-literal=token=t0k")).succeeds();
        NodePods.createReady(ns, pod("projected", "app: web", """
                    - {name: all-in-one, mountPath: /projected}
                """, """
                  - name: all-in-one
                    projected:
                      defaultMode: 0640
                      sources:
                      - configMap: {name: app-config}
                      - secret:
                          name: app-secret
                          items: [{key: token, path: secret/token}]
                      - downwardAPI:
                          items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
                """), "projected");
        assertThat(exec(ns, "projected", "cat", "/projected/color")).succeeds().printed("blue");
        assertThat(exec(ns, "projected", "cat", "/projected/secret/token")).succeeds().printed("t0k");
        assertThat(exec(ns, "projected", "cat", "/projected/labels")).succeeds().printed("app=\"web\"");
        assertThat(exec(ns, "projected", "stat", "-L", "-c", "%a", "/projected/color")).succeeds().printed("640\n");

        assertThat(ns.kubectl().run("patch", "configmap", "app-config", "--type=merge", "-p",
                "{\"data\":{\"color\":\"red\"}}")).succeeds();
        awaitFile(ns, "projected", "/projected/color", "red");
    }
}
