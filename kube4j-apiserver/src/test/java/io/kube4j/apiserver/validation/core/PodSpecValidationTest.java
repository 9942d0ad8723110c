package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PodSpecValidationTest {
    static final FieldPath SPEC = FieldPath.root("spec");

    static ObjectNode defaulted(String json) {
        ObjectNode s = (ObjectNode) Json.parse(json);
        PodSpecDefaults.applyPodSpec(s);
        return s;
    }

    static List<String> errors(String json) {
        return PodSpecValidation.validatePodCreate(defaulted(json), SPEC).stream().map(FieldError::toString).toList();
    }

    @Test
    void validSpecPasses() {
        assertThat(errors("{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}")).isEmpty();
    }

    @Test
    void containersRequired() {
        assertThat(errors("{}")).containsExactly("spec.containers: Required value");
    }

    @Test
    void containerNameAndImage() {
        assertThat(errors("{\"containers\":[{\"image\":\"\"}]}"))
                .containsExactly("spec.containers[0].name: Required value", "spec.containers[0].image: Required value");
        assertThat(errors("{\"containers\":[{\"name\":\"Web_1\",\"image\":\"x\"}]}")).containsExactly(
                "spec.containers[0].name: Invalid value: \"Web_1\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
                        + "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"a\",\"image\":\"y\"}]}"))
                .containsExactly("spec.containers[1].name: Duplicate value: \"a\"");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\" x\"}]}"))
                .containsExactly("spec.containers[0].image: Invalid value: \" x\": must not have leading or trailing whitespace");
    }

    @Test
    void ports() {
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"ports\":[{\"containerPort\":70000,\"name\":\"HTTP\"}]}]}"))
                .containsExactly(
                        "spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
                        "spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)",
                        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"ports\":[{\"containerPort\":80,\"protocol\":\"HTTP\"}]}]}"))
                .containsExactly("spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"");
    }

    @Test
    void envNamesAndSources() {
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"env\":[{\"name\":\"1X\"}]}]}")).containsExactly(
                "spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of "
                        + "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  "
                        + "or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"env\":[{\"name\":\"X\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"spec.restartPolicy\"}}}]}]}"))
                .containsExactly("spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.restartPolicy\": "
                        + "supported values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
                        + "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\"");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"env\":[{\"name\":\"X\",\"valueFrom\":{}}]}]}"))
                .containsExactly("spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, "
                        + "`resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
    }

    @Test
    void resourcesRequestsWithinLimits() {
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"limits\":{\"cpu\":\"500m\"},\"requests\":{\"cpu\":\"1\"}}}]}"))
                .containsExactly("spec.containers[0].resources.requests: Invalid value: \"1\": must be less than or equal to cpu limit of 500m");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"requests\":{\"gpu\":\"1\"}}}]}"))
                .containsExactly("spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully qualified");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"resources\":{\"requests\":{\"memory\":\"-1\"}}}]}"))
                .containsExactly("spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0");
    }

    @Test
    void volumeMountsMustNameAVolume() {
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\"}]}]}"))
                .containsExactly("spec.containers[0].volumeMounts[0].name: Not found: \"data\"");
        assertThat(errors("{\"volumes\":[{\"name\":\"data\"}],\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/d\"}]}]}"))
                .isEmpty();
        assertThat(errors("{\"volumes\":[{\"name\":\"v\",\"emptyDir\":{},\"hostPath\":{\"path\":\"/x\"}}],\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"))
                .containsExactly("spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type");
    }

    @Test
    void policies() {
        assertThat(errors("{\"restartPolicy\":\"Sometimes\",\"dnsPolicy\":\"Cluster\",\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"))
                .containsExactly(
                        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
                        "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"");
    }

    @Test
    void probes() {
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"livenessProbe\":{\"successThreshold\":2,\"exec\":{\"command\":[\"true\"]}}}]}"))
                .containsExactly("spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1");
        assertThat(errors("{\"containers\":[{\"name\":\"a\",\"image\":\"x\",\"readinessProbe\":{}}]}"))
                .containsExactly("spec.containers[0].readinessProbe: Required value: must specify a handler type");
    }

    @Test
    void tolerations() {
        assertThat(errors("{\"tolerations\":[{\"operator\":\"Equal\",\"value\":\"x\"}],\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}"))
                .containsExactly("spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, "
                        + "which means \"match all values and all keys\"");
    }

    @Test
    void templateRejectsEphemeralContainers() {
        JsonNode template = Json.parse("{\"metadata\":{\"labels\":{\"app\":\"x\"}},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}],"
                + "\"ephemeralContainers\":[{\"name\":\"e\",\"image\":\"x\"}]}}");
        PodSpecDefaults.applyPodTemplate((ObjectNode) template);
        assertThat(PodSpecValidation.validatePodTemplateSpec(template, FieldPath.of("spec", "template")).stream().map(FieldError::toString))
                .containsExactly("spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template");
    }

    @Test
    void updatesMayOnlyChangeImagesAndDeadlines() {
        ObjectNode old = defaulted("{\"containers\":[{\"name\":\"a\",\"image\":\"x\"}]}");
        ObjectNode image = old.deepCopy();
        ((ObjectNode) image.path("containers").get(0)).put("image", "y");
        assertThat(PodSpecValidation.validatePodUpdate(image, old, SPEC)).isEmpty();
        ObjectNode restart = old.deepCopy();
        restart.put("restartPolicy", "Never");
        List<FieldError> errs = PodSpecValidation.validatePodUpdate(restart, old, SPEC);
        assertThat(errs).hasSize(1);
        assertThat(errs.get(0).toString()).startsWith("spec: Forbidden: pod updates may not change fields other than "
                + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
                + "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if "
                + "it was previously negative)\n").contains("restartPolicy");
        ObjectNode added = old.deepCopy();
        added.withArray("containers").addObject().put("name", "b").put("image", "z");
        assertThat(PodSpecValidation.validatePodUpdate(added, old, SPEC).stream().map(FieldError::toString))
                .containsExactly("spec.containers: Forbidden: pod updates may not add or remove containers");
        ObjectNode deadline = old.deepCopy();
        deadline.put("activeDeadlineSeconds", 10);
        ObjectNode longer = deadline.deepCopy();
        longer.put("activeDeadlineSeconds", 20);
        assertThat(PodSpecValidation.validatePodUpdate(longer, deadline, SPEC).stream().map(FieldError::toString))
                .containsExactly("spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value");
    }
}
