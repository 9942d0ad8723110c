package io.kube4j.e2e;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** Chapter 3.3-3.4 and 3.6: labels, label and field selectors, annotations. */
@Kube4jE2E(apiOnly = true)
class LabelsIT {

    private static void create(Kubectl k, String name, Map<String, String> labels) {
        assertThat(k.runWithStdin(Manifests.pod(name, labels), "create", "-f", "-")).succeeds().printed("pod/" + name + " created");
    }

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void showLabelsAndLabelColumns(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "kubia-manual-v2", labels("creation_method", "manual", "env", "prod"));
        create(k, "kubia-plain", Map.of());

        assertThat(k.run("get", "po", "--show-labels"))
                .succeeds()
                .headerMatches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+LABELS")
                .hasLineMatching("kubia-manual-v2\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+creation_method=manual,env=prod")
                .hasLineMatching("kubia-plain\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+<none>");
        assertThat(k.run("get", "po", "-L", "creation_method,env"))
                .succeeds()
                .headerMatches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+CREATION_METHOD\\s+ENV")
                .hasLineMatching("kubia-manual-v2\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+manual\\s+prod")
                .hasLineMatching("kubia-plain\\s+0/1\\s+Pending\\s+0\\s+\\d+s");
    }

    @Test
    void labelOverwriteAndRemove(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "kubia-manual", Map.of());
        create(k, "kubia-manual-v2", labels("creation_method", "manual", "env", "prod"));

        assertThat(k.run("label", "po", "kubia-manual", "creation_method=manual")).succeeds().printed("pod/kubia-manual labeled");
        assertThat(k.run("label", "po", "kubia-manual-v2", "env=debug"))
                .exitsWith(1)
                .printedError("error: 'env' already has a value (prod), and --overwrite is false");
        assertThat(k.run("label", "po", "kubia-manual-v2", "env=debug", "--overwrite"))
                .succeeds().printed("pod/kubia-manual-v2 labeled");
        assertThat(k.run("get", "po", "-L", "creation_method,env", "--no-headers"))
                .succeeds()
                .hasLineMatching("kubia-manual\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+manual")
                .hasLineMatching("kubia-manual-v2\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+manual\\s+debug");

        assertThat(k.run("label", "po", "kubia-manual-v2", "env-")).succeeds().printed("pod/kubia-manual-v2 unlabeled");
        assertThat(k.run("get", "po", "kubia-manual-v2", "-o", "jsonpath={.metadata.labels}"))
                .succeeds().printed("{\"creation_method\":\"manual\"}");
    }

    @Test
    void labelSelectors(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "manual-prod", labels("creation_method", "manual", "env", "prod"));
        create(k, "manual-devel", labels("creation_method", "manual", "env", "devel"));
        create(k, "rc-debug", labels("creation_method", "rc", "env", "debug"));
        create(k, "no-labels", Map.of());

        assertThat(k.run("get", "po", "-l", "creation_method=manual", "-o", "name"))
                .succeeds().printed("pod/manual-devel\npod/manual-prod");
        assertThat(k.run("get", "po", "-l", "creation_method==manual", "-o", "name"))
                .succeeds().printed("pod/manual-devel\npod/manual-prod");
        assertThat(k.run("get", "po", "-l", "creation_method!=manual", "-o", "name"))
                .succeeds().printed("pod/no-labels\npod/rc-debug");
        assertThat(k.run("get", "po", "-l", "env", "-o", "name"))
                .succeeds().printed("pod/manual-devel\npod/manual-prod\npod/rc-debug");
        assertThat(k.run("get", "po", "-l", "!env", "-o", "name"))
                .succeeds().printed("pod/no-labels");
        assertThat(k.run("get", "po", "-l", "env in (prod,devel)", "-o", "name"))
                .succeeds().printed("pod/manual-devel\npod/manual-prod");
        assertThat(k.run("get", "po", "-l", "env notin (prod)", "-o", "name"))
                .succeeds().printed("pod/manual-devel\npod/no-labels\npod/rc-debug");
        assertThat(k.run("get", "po", "-l", "creation_method=manual,env=prod", "-o", "name"))
                .succeeds().printed("pod/manual-prod");
        assertThat(k.run("get", "po", "-l", "env=nosuch"))
                .succeeds().printed("").printedError("No resources found in " + ns.name() + " namespace.");
    }

    @Test
    void fieldSelectors(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "first", Map.of());
        create(k, "second", Map.of());

        assertThat(k.run("get", "po", "--field-selector", "metadata.name=first", "-o", "name"))
                .succeeds().printed("pod/first");
        assertThat(k.run("get", "po", "--field-selector", "metadata.name!=first", "-o", "name"))
                .succeeds().printed("pod/second");
        assertThat(k.run("get", "po", "--field-selector", "status.phase=Pending", "-o", "name"))
                .succeeds().printed("pod/first\npod/second");
        assertThat(k.run("get", "po", "--field-selector", "status.phase=Running"))
                .succeeds().printed("").printedError("No resources found in " + ns.name() + " namespace.");
        assertThat(k.run("get", "po", "--field-selector", "metadata.namespace=" + ns.name() + ",metadata.name=second", "-o", "name"))
                .succeeds().printed("pod/second");
    }

    @Test
    void unsupportedFieldSelectorIsABadRequest(TestNamespace ns) {
        assertThat(ns.kubectl().run("get", "po", "--field-selector", "spec.nosuch=x"))
                .exitsWith(1)
                .printedError("Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\","
                        + " field selector \"spec.nosuch=x\": field label not supported: spec.nosuch");
    }

    @Test
    void annotate(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        create(k, "kubia-manual", Map.of());
        assertThat(k.run("annotate", "pod", "kubia-manual", "mycompany.com/someannotation=foo bar"))
                .succeeds().printed("pod/kubia-manual annotated");
        assertThat(k.run("get", "po", "kubia-manual", "-o", "jsonpath={.metadata.annotations.mycompany\\.com/someannotation}"))
                .succeeds().printed("foo bar");
        assertThat(k.run("describe", "pod", "kubia-manual"))
                .succeeds().hasLineMatching("Annotations:\\s+mycompany\\.com/someannotation: foo bar");
        assertThat(k.run("annotate", "pod", "kubia-manual", "mycompany.com/someannotation-"))
                .succeeds().printed("pod/kubia-manual annotated");
        assertThat(k.run("get", "po", "kubia-manual", "-o", "jsonpath={.metadata.annotations}"))
                .succeeds().stdoutDoesNotContain("someannotation");
    }
}
