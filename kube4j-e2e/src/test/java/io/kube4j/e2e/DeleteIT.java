package io.kube4j.e2e;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** Chapter 3.8: stopping and removing pods by name, by label selector, all of them, and everything in a namespace. */
@Kube4jE2E(apiOnly = true)
class DeleteIT {

    private static void create(Kubectl k, String name, Map<String, String> labels) {
        assertThat(k.runWithStdin(Manifests.pod(name, labels), "create", "-f", "-")).succeeds().printed("pod/" + name + " created");
    }

    @Test
    void deleteByName(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "kubia-gpu", Map.of());
        assertThat(k.run("delete", "po", "kubia-gpu")).succeeds().printed("pod \"kubia-gpu\" deleted");
        assertThat(k.run("get", "po", "kubia-gpu"))
                .exitsWith(1).printedError("Error from server (NotFound): pods \"kubia-gpu\" not found");
        assertThat(k.run("delete", "po", "kubia-gpu"))
                .exitsWith(1).printedError("Error from server (NotFound): pods \"kubia-gpu\" not found");
        assertThat(k.run("delete", "po", "kubia-gpu", "--ignore-not-found")).succeeds().printed("");
    }

    @Test
    void deleteByLabelSelector(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "a", Map.of("app", "x"));
        create(k, "b", Map.of("app", "x"));
        create(k, "c", Map.of("app", "y"));
        assertThat(k.run("delete", "po", "-l", "app=x")).succeeds().printed("pod \"a\" deleted\npod \"b\" deleted");
        assertThat(k.run("get", "po", "-o", "name")).succeeds().printed("pod/c");
    }

    @Test
    void deleteAllPods(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "one", Map.of());
        create(k, "two", Map.of());
        assertThat(k.run("delete", "po", "--all")).succeeds().printed("pod \"one\" deleted\npod \"two\" deleted");
        assertThat(k.run("get", "po")).succeeds().printed("").printedError("No resources found in " + ns.name() + " namespace.");
    }

    @Test
    void deleteAllResourcesInTheNamespace(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "loner", Map.of());
        assertThat(k.run("create", "deployment", "kubia", "--image=luksa/kubia")).succeeds();
        assertThat(k.run("create", "service", "clusterip", "kubia-svc", "--tcp=80:8080")).succeeds();
        assertThat(k.run("create", "configmap", "keep-me", "--from-literal=a=b")).succeeds();

        assertThat(k.run("delete", "all", "--all"))
                .succeeds()
                .hasLineMatching("pod \"loner\" deleted")
                .hasLineMatching("service \"kubia-svc\" deleted")
                .hasLineMatching("deployment\\.apps \"kubia\" deleted");
        assertThat(k.run("get", "all", "-o", "name")).succeeds().printed("");
        // "all" is a category of workloads and services: configmaps are not in it
        assertThat(k.run("get", "configmap", "keep-me", "-o", "name")).succeeds().printed("configmap/keep-me");
    }

    @Test
    void forceDeleteWithZeroGracePeriod(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "doomed", Map.of());
        assertThat(k.run("delete", "po", "doomed", "--grace-period=0", "--force"))
                .succeeds()
                .printed("pod \"doomed\" force deleted")
                .printedError("Warning: Immediate deletion does not wait for confirmation that the running resource has been"
                        + " terminated. The resource may continue to run on the cluster indefinitely.");
        assertThat(k.run("get", "po", "doomed")).exitsWith(1);
    }

    @Test
    void deleteFromFile(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "-f", "-")).succeeds();
        assertThat(k.runWithStdin(Manifests.KUBIA_MANUAL_YAML, "delete", "-f", "-")).succeeds().printed("pod \"kubia-manual\" deleted");
    }
}
