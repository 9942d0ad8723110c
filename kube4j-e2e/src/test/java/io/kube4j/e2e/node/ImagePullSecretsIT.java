package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pulls from a loopback registry that requires basic auth: without credentials the pull fails, with the pod's
 * {@code imagePullSecrets} (made by {@code kubectl create secret docker-registry}) or its ServiceAccount's it
 * runs, and a missing or wrong secret fails the pull with upstream's events.
 */
@Kube4jE2E
class ImagePullSecretsIT {
    @TempDir
    Path dir;

    @Test
    void privateRegistryNeedsThePodsOrTheAccountsPullSecret(TestNamespace ns, Kube4jServer server) throws Exception {
        try (LocalRegistry registry = LocalRegistry.startWithAuth(dir, "kube4j", "s3cret-pass")) {
            registry.push(server.dataDir().resolve("agent/images/builtin/kubia-1.tar"), "1", "private/kubia:1");
            String image = registry.host() + "/private/kubia:1";

            NodePods.apply(ns, pod("anonymous", image, null));
            List<String> failed = NodePods.awaitEvent(ns, "anonymous", "Warning Failed Error: ErrImagePull"::equals,
                    Duration.ofSeconds(60));
            assertThat(failed).anyMatch(e -> e.startsWith("Warning Failed Failed to pull image \"" + image + "\": ")
                    && e.toLowerCase(java.util.Locale.ROOT).contains("unauthorized"));

            assertThat(ns.kubectl().run("create", "secret", "docker-registry", "regcred",
                    "--docker-server=" + registry.host(), "--docker-username=kube4j", "--docker-password=s3cret-pass"))
                    .succeeds().printed("secret/regcred created");
            assertThat(ns.kubectl().run("get", "secret", "regcred", "-o", "jsonpath={.type}")).succeeds()
                    .printed("kubernetes.io/dockerconfigjson");
            String config = new String(java.util.Base64.getDecoder().decode(ns.kubectl().run("get", "secret",
                    "regcred", "-o", "jsonpath={.data.\\.dockerconfigjson}").stdout().trim()));
            assertThat(config).contains("\"" + registry.host() + "\"", "\"username\":\"kube4j\"");

            NodePods.createReady(ns, pod("with-secret", image, "regcred"), "with-secret");
            assertThat(NodePods.events(ns, "with-secret")).anyMatch(e -> e.startsWith(
                    "Normal Pulled Successfully pulled image \"" + image + "\""));
            assertThat(NodePods.httpGet(NodePods.podIp(ns, "with-secret"), 8080).body())
                    .isEqualTo("You've hit with-secret\n");

            // the ServiceAccount admission copies the account's pull secrets into pods that name none
            assertThat(ns.kubectl().run("patch", "serviceaccount", "default", "-p",
                    "{\"imagePullSecrets\":[{\"name\":\"regcred\"}]}")).succeeds();
            NodePods.createReady(ns, pod("from-account", image, null), "from-account");
            assertThat(ns.kubectl().run("get", "pod", "from-account", "-o",
                    "jsonpath={.spec.imagePullSecrets[*].name}")).succeeds().printed("regcred");

            assertThat(ns.kubectl().run("create", "secret", "docker-registry", "wrong",
                    "--docker-server=" + registry.host(), "--docker-username=kube4j", "--docker-password=nope"))
                    .succeeds();
            NodePods.apply(ns, pod("wrong-secret", image, "wrong"));
            NodePods.awaitEvent(ns, "wrong-secret", "Warning Failed Error: ErrImagePull"::equals,
                    Duration.ofSeconds(60));
            NodePods.awaitJsonPath(ns, "pod/wrong-secret", "{.status.containerStatuses[0].state.waiting.reason}",
                    r -> r.equals("ErrImagePull") || r.equals("ImagePullBackOff"), Duration.ofSeconds(30));

            NodePods.apply(ns, pod("absent-secret", image, "absent"));
            List<String> events = NodePods.awaitEvent(ns, "absent-secret",
                    "Warning Failed Error: ErrImagePull"::equals, Duration.ofSeconds(60));
            assertThat(events).contains("Warning FailedToRetrieveImagePullSecret Unable to retrieve some image pull "
                    + "secrets (absent); attempting to pull the image may not succeed.");
        }
    }

    private static String pod(String name, String image, String pullSecret) {
        String extra = "  terminationGracePeriodSeconds: 2"
                + (pullSecret == null ? "" : "\n  imagePullSecrets:\n  - name: " + pullSecret);
        return NodePods.pod(name, extra, "  - name: main\n    image: " + image + "\n    imagePullPolicy: Always");
    }
}
