package io.kube4j.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** Chapter 3.2: creating pods from YAML and JSON descriptors and reading them back in every output format. */
@Kube4jE2E(apiOnly = true)
class PodsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path dir;

    @Test
    void createFromYamlAndListPending(TestNamespace ns) {
        Path file = Manifests.write(dir, "kubia-manual.yaml", Manifests.KUBIA_MANUAL_YAML);
        assertThat(ns.kubectl().run("create", "-f", file.toString())).succeeds().printed("pod/kubia-manual created");

        assertThat(ns.kubectl().run("get", "pods"))
                .succeeds()
                .headerMatches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE")
                .hasLineMatching("kubia-manual\\s+0/1\\s+Pending\\s+0\\s+\\d+s")
                .hasRows(1);
    }

    @Test
    void createFromJson(TestNamespace ns) {
        Path file = Manifests.write(dir, "kubia-manual.json", Manifests.KUBIA_MANUAL_JSON);
        assertThat(ns.kubectl().run("create", "-f", file.toString())).succeeds().printed("pod/kubia-manual created");
        assertThat(ns.kubectl().run("get", "po", "kubia-manual", "-o", "jsonpath={.spec.containers[0].image}"))
                .succeeds().printed("luksa/kubia");
    }

    @Test
    void createFromStdin(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "-f", "-"))
                .succeeds().printed("pod/kubia-manual created");
    }

    @Test
    void yamlAndJsonOutputCarryTheSpecTheDefaultsAndTheMetadata(TestNamespace ns) throws Exception {
        Path file = Manifests.write(dir, "kubia-manual.yaml", Manifests.KUBIA_MANUAL_YAML);
        assertThat(ns.kubectl().run("create", "-f", file.toString())).succeeds();

        KubectlResult yamlOut = ns.kubectl().run("get", "po", "kubia-manual", "-o", "yaml");
        assertThat(yamlOut).succeeds().stdoutContains("apiVersion: v1", "kind: Pod", "name: kubia-manual");
        KubectlResult jsonOut = ns.kubectl().run("get", "po", "kubia-manual", "-o", "json");
        assertThat(jsonOut).succeeds();

        JsonNode fromYaml = YAML.readTree(yamlOut.stdout());
        JsonNode fromJson = JSON.readTree(jsonOut.stdout());
        assertThat(fromYaml).as("-o yaml and -o json show the same object").isEqualTo(fromJson);

        JsonNode pod = fromJson;
        assertThat(pod.path("metadata").path("namespace").asText()).isEqualTo(ns.name());
        assertThat(pod.path("metadata").path("uid").asText()).matches("[0-9a-f-]{36}");
        assertThat(pod.path("metadata").path("resourceVersion").asText()).matches("\\d+");
        assertThat(pod.path("metadata").path("creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        JsonNode container = pod.path("spec").path("containers").path(0);
        assertThat(container.path("name").asText()).isEqualTo("kubia");
        assertThat(container.path("image").asText()).isEqualTo("luksa/kubia");
        assertThat(container.path("ports").path(0).path("containerPort").asInt()).isEqualTo(8080);
        assertThat(container.path("ports").path(0).path("protocol").asText()).isEqualTo("TCP");
        // defaults upstream's API server fills in
        assertThat(container.path("imagePullPolicy").asText()).as("untagged image => :latest => Always").isEqualTo("Always");
        assertThat(container.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
        assertThat(container.path("terminationMessagePolicy").asText()).isEqualTo("File");
        assertThat(pod.path("spec").path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(pod.path("spec").path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(pod.path("spec").path("schedulerName").asText()).isEqualTo("default-scheduler");
        assertThat(pod.path("spec").path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(pod.path("spec").path("enableServiceLinks").asBoolean()).isTrue();
        assertThat(pod.path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(pod.path("status").path("qosClass").asText()).isEqualTo("BestEffort");
    }

    @Test
    void yamlOutputRoundTripsThroughReplace(TestNamespace ns) {
        Path file = Manifests.write(dir, "kubia-manual.yaml", Manifests.KUBIA_MANUAL_YAML);
        assertThat(ns.kubectl().run("create", "-f", file.toString())).succeeds();
        KubectlResult yamlOut = ns.kubectl().run("get", "po", "kubia-manual", "-o", "yaml");
        assertThat(yamlOut).succeeds();
        Path exported = Manifests.write(dir, "exported.yaml", yamlOut.stdout());
        assertThat(ns.kubectl().run("replace", "-f", exported.toString())).succeeds().printed("pod/kubia-manual replaced");

        KubectlResult jsonOut = ns.kubectl().run("get", "po", "kubia-manual", "-o", "json");
        assertThat(jsonOut).succeeds();
        Path exportedJson = Manifests.write(dir, "exported.json", jsonOut.stdout());
        assertThat(ns.kubectl().run("replace", "-f", exportedJson.toString())).succeeds().printed("pod/kubia-manual replaced");
    }

    @Test
    void nameJsonpathAndCustomColumnsOutput(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "-f", "-")).succeeds();

        assertThat(ns.kubectl().run("get", "pods", "-o", "name")).succeeds().printed("pod/kubia-manual");
        assertThat(ns.kubectl().run("get", "po", "kubia-manual", "-o", "name")).succeeds().printed("pod/kubia-manual");
        assertThat(ns.kubectl().run("get", "po", "kubia-manual", "-o", "jsonpath={.metadata.name}"))
                .succeeds().printed("kubia-manual");
        assertThat(ns.kubectl().run("get", "pods", "-o", "jsonpath={.items[*].spec.containers[*].ports[*].containerPort}"))
                .succeeds().printed("8080");
        assertThat(ns.kubectl().run("get", "pods", "-o", "custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image"))
                .succeeds()
                .headerMatches("NAME\\s+IMAGE")
                .hasLineMatching("kubia-manual\\s+luksa/kubia")
                .hasRows(1);
    }

    @Test
    void wideOutputAddsNodeColumns(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.KUBIA_MANUAL_YAML, "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("get", "pods", "-o", "wide"))
                .succeeds()
                .headerMatches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES")
                .hasLineMatching("kubia-manual\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s+<none>\\s+<none>\\s+<none>\\s+<none>");
    }

    @Test
    void getNoResourcesInEmptyNamespace(TestNamespace ns) {
        assertThat(ns.kubectl().run("get", "pods"))
                .succeeds()
                .printed("")
                .printedError("No resources found in " + ns.name() + " namespace.");
    }

    @Test
    void describeShowsThePodAndItsEvents(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("kubia-described", java.util.Map.of("app", "kubia")),
                "create", "-f", "-")).succeeds();
        assertThat(ns.kubectl().run("describe", "pod", "kubia-described"))
                .succeeds()
                .hasLineMatching("Name:\\s+kubia-described")
                .hasLineMatching("Namespace:\\s+" + ns.name())
                .hasLineMatching("Labels:\\s+app=kubia")
                .hasLineMatching("Status:\\s+Pending")
                .hasLineMatching("Containers:")
                .hasLineMatching("\\s+Image:\\s+luksa/kubia")
                .hasLineMatching("\\s+Port:\\s+8080/TCP")
                .hasLineMatching("QoS Class:\\s+BestEffort")
                .hasLineMatching("Events:.*");
        assertThat(ns.kubectl().run("describe", "pods", "-l", "app=kubia"))
                .succeeds()
                .hasLineMatching("Name:\\s+kubia-described");
    }

    @Test
    void describeListsTheEventsOfThePod(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(Manifests.pod("kubia-evented"), "create", "-f", "-")).succeeds();
        String uid = ns.kubectl().run("get", "pod", "kubia-evented", "-o", "jsonpath={.metadata.uid}").stdout().strip();
        String event = """
                apiVersion: v1
                kind: Event
                metadata:
                  name: kubia-evented.1
                involvedObject:
                  apiVersion: v1
                  kind: Pod
                  name: kubia-evented
                  namespace: %s
                  uid: %s
                reason: Scheduled
                message: Successfully assigned %s/kubia-evented to node-a
                type: Normal
                source:
                  component: default-scheduler
                count: 1
                """.formatted(ns.name(), uid, ns.name());
        assertThat(ns.kubectl().runWithStdin(event, "create", "-f", "-")).succeeds();
        // describe finds the event by the pod's name, namespace and uid, as upstream's field selector does
        assertThat(ns.kubectl().run("describe", "pod", "kubia-evented"))
                .succeeds()
                .hasLineMatching("\\s+Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned "
                        + ns.name() + "/kubia-evented to node-a");
    }
}
