package io.kube4j.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** Changing objects: kubectl apply (client-side, last-applied annotation), replace and the three patch types. */
@Kube4jE2E(apiOnly = true)
class ApplyPatchReplaceIT {
    @TempDir
    Path dir;

    @Test
    void applyCreatesThenIsUnchangedThenConfigures(TestNamespace ns) {
        Path file = Manifests.write(dir, "pod.yaml", Manifests.pod("applied", Map.of("env", "debug")));
        assertThat(ns.kubectl().run("apply", "-f", file.toString())).succeeds().printed("pod/applied created");
        assertThat(ns.kubectl().run("apply", "-f", file.toString())).succeeds().printed("pod/applied unchanged");

        Manifests.write(dir, "pod.yaml", Manifests.pod("applied", Map.of("env", "prod")));
        assertThat(ns.kubectl().run("apply", "-f", file.toString())).succeeds().printed("pod/applied configured");
        assertThat(ns.kubectl().run("get", "po", "applied", "-o", "jsonpath={.metadata.labels.env}"))
                .succeeds().printed("prod");
        assertThat(ns.kubectl().run("get", "po", "applied",
                "-o", "jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}"))
                .succeeds().stdoutContains("\"env\":\"prod\"", "\"name\":\"applied\"");
    }

    @Test
    void applyRemovesALabelDroppedFromTheFile(TestNamespace ns) {
        Path file = Manifests.write(dir, "pod.yaml", Manifests.pod("pruned", Map.of("env", "debug", "tier", "web")));
        assertThat(ns.kubectl().run("apply", "-f", file.toString())).succeeds().printed("pod/pruned created");
        Manifests.write(dir, "pod.yaml", Manifests.pod("pruned", Map.of("env", "debug")));
        assertThat(ns.kubectl().run("apply", "-f", file.toString())).succeeds().printed("pod/pruned configured");
        assertThat(ns.kubectl().run("get", "po", "pruned", "--show-labels", "--no-headers"))
                .succeeds().hasLineMatching("pruned\\s+.*\\s+env=debug");
    }

    @Test
    void replaceFromAnEditedFile(TestNamespace ns) {
        Path file = Manifests.write(dir, "pod.yaml", Manifests.pod("replaced"));
        assertThat(ns.kubectl().run("create", "-f", file.toString())).succeeds().printed("pod/replaced created");
        Manifests.write(dir, "pod.yaml", Manifests.pod("replaced").replace("image: luksa/kubia", "image: luksa/kubia:latest"));
        assertThat(ns.kubectl().run("replace", "-f", file.toString())).succeeds().printed("pod/replaced replaced");
        assertThat(ns.kubectl().run("get", "po", "replaced", "-o", "jsonpath={.spec.containers[0].image}"))
                .succeeds().printed("luksa/kubia:latest");
    }

    @Test
    void replaceOfAMissingObjectIsNotFound(TestNamespace ns) {
        Path file = Manifests.write(dir, "pod.yaml", Manifests.pod("ghost"));
        assertThat(ns.kubectl().run("replace", "-f", file.toString()))
                .exitsWith(1)
                .printedError("Error from server (NotFound): error when replacing \"" + file + "\": pods \"ghost\" not found");
    }

    @Test
    void strategicMergePatchMergesContainersByName(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("patched"), "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("patch", "pod", "patched", "--type", "strategic",
                "-p", "{\"spec\":{\"containers\":[{\"name\":\"kubia\",\"image\":\"luksa/kubia:v3\"}]}}"))
                .succeeds().printed("pod/patched patched");
        // the container's ports survive: strategic merge matched the container by name
        assertThat(ns.kubectl().run("get", "po", "patched",
                "-o", "jsonpath={.spec.containers[0].image} {.spec.containers[0].ports[0].containerPort}"))
                .succeeds().printed("luksa/kubia:v3 8080");
    }

    @Test
    void mergePatchAddsAndRemovesLabels(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("merged", Map.of("env", "debug")), "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("patch", "pod", "merged", "--type", "merge",
                "-p", "{\"metadata\":{\"labels\":{\"env\":null,\"tier\":\"backend\"}}}"))
                .succeeds().printed("pod/merged patched");
        assertThat(ns.kubectl().run("get", "po", "merged", "-o", "jsonpath={.metadata.labels}"))
                .succeeds().printed("{\"tier\":\"backend\"}");
    }

    @Test
    void jsonPatchReplacesTheImage(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("jsonpatched"), "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("patch", "pod", "jsonpatched", "--type", "json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/containers/0/image\",\"value\":\"luksa/kubia:v4\"}]"))
                .succeeds().printed("pod/jsonpatched patched");
        assertThat(ns.kubectl().run("get", "po", "jsonpatched", "-o", "jsonpath={.spec.containers[0].image}"))
                .succeeds().printed("luksa/kubia:v4");
    }

    @Test
    void patchWithoutChangeSaysNoChange(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("steady", Map.of("env", "prod")), "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("patch", "pod", "steady", "-p", "{\"metadata\":{\"labels\":{\"env\":\"prod\"}}}"))
                .succeeds().printed("pod/steady patched (no change)");
    }

    @Test
    void jsonPatchTestFailureIsRejected(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("tested"), "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("patch", "pod", "tested", "--type", "json",
                "-p", "[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"other\"}]"))
                .exitsWith(1)
                .stderrContains("The request is invalid: the server rejected our request due to an error in our request");
    }
}
