package io.kube4j.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.awaitility.Awaitility.await;

/** Chapter 3.7: namespaces, switching the current namespace, and deleting a namespace with everything in it. */
@Kube4jE2E(apiOnly = true)
class NamespacesIT {
    @TempDir
    Path dir;

    @Test
    void namespaceLifecycle(Kubectl kubectl) throws Exception {
        String ns = "custom-namespace";
        assertThat(kubectl.run("create", "namespace", ns)).succeeds().printed("namespace/" + ns + " created");
        assertThat(kubectl.run("get", "ns"))
                .succeeds()
                .headerMatches("NAME\\s+STATUS\\s+AGE")
                .hasLineMatching("default\\s+Active\\s+\\S+")
                .hasLineMatching("kube-system\\s+Active\\s+\\S+")
                .hasLineMatching(ns + "\\s+Active\\s+\\d+s");
        assertThat(kubectl.run("get", "ns", ns, "-o", "jsonpath={.status.phase}")).succeeds().printed("Active");

        Path file = Manifests.write(dir, "kubia-manual.yaml", Manifests.KUBIA_MANUAL_YAML);
        assertThat(kubectl.run("create", "-f", file.toString(), "-n", ns)).succeeds().printed("pod/kubia-manual created");
        assertThat(kubectl.run("get", "po", "-n", ns))
                .succeeds().hasLineMatching("kubia-manual\\s+0/1\\s+Pending\\s+0\\s+\\d+s").hasRows(1);
        assertThat(kubectl.run("get", "po", "--namespace", ns, "-o", "name")).succeeds().printed("pod/kubia-manual");

        // a copy: the shared kubeconfig must keep pointing at "default" for every other test
        Path copy = dir.resolve("kubeconfig-copy.yaml");
        Files.copy(kubectl.kubeconfig(), copy);
        Kubectl switched = kubectl.withKubeconfig(copy);
        assertThat(switched.run("config", "set-context", "--current", "--namespace", ns))
                .succeeds().printed("Context \"kube4j\" modified.");
        assertThat(switched.run("config", "view", "--minify", "-o", "jsonpath={..namespace}")).succeeds().printed(ns);
        assertThat(switched.run("get", "po", "-o", "name")).succeeds().printed("pod/kubia-manual");
        assertThat(kubectl.run("get", "po", "kubia-manual"))
                .exitsWith(1).printedError("Error from server (NotFound): pods \"kubia-manual\" not found");

        assertThat(kubectl.run("get", "po", "-A"))
                .succeeds()
                .headerMatches("NAMESPACE\\s+NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE")
                .hasLineMatching(ns + "\\s+kubia-manual\\s+0/1\\s+Pending\\s+0\\s+\\d+s");
        assertThat(kubectl.run("get", "po", "--all-namespaces", "-o", "name")).succeeds().stdoutContains("pod/kubia-manual");

        assertThat(kubectl.withTimeout(Duration.ofSeconds(60)).run("delete", "ns", ns))
                .succeeds().printed("namespace \"" + ns + "\" deleted");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(kubectl.run("get", "ns", ns))
                        .exitsWith(1)
                        .printedError("Error from server (NotFound): namespaces \"" + ns + "\" not found"));
        assertThat(kubectl.run("get", "po", "-n", ns))
                .succeeds().printed("").printedError("No resources found in " + ns + " namespace.");
        assertThat(kubectl.run("get", "po", "-A", "-o", "name")).succeeds().stdoutDoesNotContain("pod/kubia-manual");
    }

    @Test
    void deleteWithoutWaitingRemovesTheNamespaceAndItsPods(Kubectl kubectl) {
        String ns = "nowait-ns";
        assertThat(kubectl.run("create", "namespace", ns)).succeeds();
        assertThat(kubectl.runWithStdin(Manifests.pod("p1"), "create", "-n", ns, "-f", "-")).succeeds();
        assertThat(kubectl.run("delete", "ns", ns, "--wait=false")).succeeds().printed("namespace \"" + ns + "\" deleted");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(kubectl.run("get", "ns", ns)).exitsWith(1));
        assertThat(kubectl.run("get", "po", "-n", ns)).succeeds().printed("");
    }

    @Test
    void objectInAnotherNamespaceThanTheFileSaysIsRejected(TestNamespace ns, Kubectl kubectl) {
        String pod = Manifests.pod("misplaced").replace("  name: misplaced\n", "  name: misplaced\n  namespace: default\n");
        assertThat(ns.kubectl().runWithStdin(pod, "create", "-f", "-"))
                .exitsWith(1)
                .printedError("error: the namespace from the provided object \"default\" does not match the namespace \""
                        + ns.name() + "\". You must pass '--namespace=default' to perform this operation.");
    }

    @Test
    void createNamespaceTwiceIsAlreadyExists(Kubectl kubectl) {
        assertThat(kubectl.run("create", "namespace", "twice-ns")).succeeds();
        try {
            assertThat(kubectl.run("create", "namespace", "twice-ns"))
                    .exitsWith(1)
                    .printedError("Error from server (AlreadyExists): namespaces \"twice-ns\" already exists");
        } finally {
            kubectl.run("delete", "ns", "twice-ns", "--wait=false");
        }
    }

    @Test
    void invalidNamespaceName(Kubectl kubectl) {
        assertThat(kubectl.run("create", "namespace", "Bad_Name"))
                .exitsWith(1)
                .printedError("The Namespace \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 label"
                        + " must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric"
                        + " character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    }
}
