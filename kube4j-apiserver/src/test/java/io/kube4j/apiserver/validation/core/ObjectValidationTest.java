package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.resources.core.limitrange.LimitRangeStrategy;
import io.kube4j.apiserver.resources.core.replicationcontroller.ReplicationControllerStrategy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectValidationTest {
    static JsonNode obj(String json) {
        return Json.parse(json);
    }

    static List<String> str(List<FieldError> errs) {
        return errs.stream().map(FieldError::toString).toList();
    }

    @Test
    void configMapKeysSizeAndImmutability() {
        assertThat(str(ConfigDataValidation.validateConfigMap(obj("{\"data\":{\"a b\":\"x\",\"k\":\"v\"},\"binaryData\":{\"k\":\"eA==\"}}"))))
                .containsExactly("data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, "
                                + "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                        "data[k]: Invalid value: \"k\": duplicate of key present in binaryData");
        String big = "x".repeat(ConfigDataValidation.MAX_SIZE + 1);
        assertThat(str(ConfigDataValidation.validateConfigMap(obj("{\"data\":{\"k\":\"" + big + "\"}}"))))
                .containsExactly(": Too long: may not be more than 1048576 bytes");
        assertThat(str(ConfigDataValidation.validateConfigMapUpdate(obj("{\"data\":{\"k\":\"2\"}}"),
                obj("{\"immutable\":true,\"data\":{\"k\":\"1\"}}"))))
                .containsExactly("immutable: Forbidden: field is immutable when `immutable` is set",
                        "data: Forbidden: field is immutable when `immutable` is set");
    }

    @Test
    void secretTypes() {
        assertThat(str(ConfigDataValidation.validateSecret(obj("{\"type\":\"kubernetes.io/service-account-token\"}"))))
                .containsExactly("metadata.annotations[kubernetes.io/service-account.name]: Required value");
        assertThat(str(ConfigDataValidation.validateSecret(obj("{\"type\":\"kubernetes.io/dockerconfigjson\"}"))))
                .containsExactly("data[.dockerconfigjson]: Required value");
        assertThat(str(ConfigDataValidation.validateSecret(obj("{\"type\":\"kubernetes.io/dockerconfigjson\",\"data\":{\".dockerconfigjson\":\"e30=\"}}"))))
                .isEmpty();
        assertThat(ConfigDataValidation.illegalBase64At("aGVsbG8=")).isEqualTo(-1);
        assertThat(ConfigDataValidation.illegalBase64At("aGV$")).isEqualTo(3);
    }

    @Test
    void events() {
        assertThat(str(ObjectValidation.validateEvent(obj("{\"metadata\":{\"namespace\":\"a\"},\"involvedObject\":{\"namespace\":\"b\"}}"))))
                .containsExactly("involvedObject.namespace: Invalid value: \"b\": does not match event.namespace");
        assertThat(str(ObjectValidation.validateEvent(obj("{\"metadata\":{\"namespace\":\"a\"},\"eventTime\":\"2025-01-01T00:00:00.000000Z\","
                + "\"involvedObject\":{\"namespace\":\"a\"},\"reportingComponent\":\"c\",\"reportingInstance\":\"i\",\"action\":\"x\"}"))))
                .containsExactly("reason: Required value");
    }

    @Test
    void nodes() {
        assertThat(str(ObjectValidation.validateNodeUpdate(obj("{\"spec\":{\"podCIDRs\":[\"10.42.1.0/24\"]}}"),
                obj("{\"spec\":{\"podCIDRs\":[\"10.42.0.0/24\"]}}"))))
                .containsExactly("spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid");
        assertThat(str(ObjectValidation.validateNodeUpdate(obj("{\"spec\":{\"podCIDRs\":[\"10.42.1.0/24\"]}}"), obj("{\"spec\":{}}"))))
                .isEmpty();
        assertThat(str(ObjectValidation.validateNode(obj("{\"spec\":{\"taints\":[{\"key\":\"k\",\"effect\":\"Sometimes\"}]}}"))))
                .containsExactly("metadata.taints[0].effect: Unsupported value: \"Sometimes\": supported values: "
                        + "\"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"");
    }

    @Test
    void persistentVolumes() {
        assertThat(str(ObjectValidation.validatePersistentVolumeClaim(obj("{\"spec\":{}}"))))
                .containsExactly("spec.accessModes: Required value: at least 1 access mode is required",
                        "spec.resources[storage]: Required value");
        assertThat(str(ObjectValidation.validatePersistentVolume(obj("{\"spec\":{\"accessModes\":[\"ReadWriteOnce\"],"
                + "\"capacity\":{\"storage\":\"1Gi\"},\"hostPath\":{\"path\":\"/tmp\"}}}")))).isEmpty();
        assertThat(str(ObjectValidation.validatePersistentVolume(obj("{\"spec\":{\"accessModes\":[\"Sometimes\"],"
                + "\"capacity\":{\"storage\":\"1Gi\"}}}")))).containsExactly(
                "spec.accessModes: Unsupported value: \"Sometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", "
                        + "\"ReadWriteOnce\", \"ReadWriteOncePod\"",
                "spec: Required value: must specify a volume type");
    }

    @Test
    void replicationControllers() {
        ObjectNode rc = (ObjectNode) obj("{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}}}");
        new ReplicationControllerStrategy().applyDefaults(rc);
        assertThat(rc.path("spec").path("selector").toString()).isEqualTo("{\"app\":\"web\"}");
        assertThat(rc.path("metadata").path("labels").toString()).isEqualTo("{\"app\":\"web\"}");
        assertThat(rc.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(str(ObjectValidation.validateReplicationController(rc))).isEmpty();
        ((ObjectNode) rc.path("spec")).putObject("selector").put("app", "db");
        assertThat(str(ObjectValidation.validateReplicationController(rc))).containsExactly(
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`");
    }

    @Test
    void limitRanges() {
        ObjectNode lr = (ObjectNode) obj("{\"spec\":{\"limits\":[{\"type\":\"Container\",\"max\":{\"cpu\":\"1\"},\"min\":{\"cpu\":\"2\"}}]}}");
        new LimitRangeStrategy().applyDefaults(lr);
        assertThat(lr.path("spec").path("limits").get(0).path("default").path("cpu").asText()).isEqualTo("1");
        assertThat(lr.path("spec").path("limits").get(0).path("defaultRequest").path("cpu").asText()).isEqualTo("1");
        assertThat(str(ObjectValidation.validateLimitRange(lr))).contains(
                "spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1");
        assertThat(str(ObjectValidation.validateLimitRange(obj("{\"spec\":{\"limits\":[{\"type\":\"Pod\",\"default\":{\"cpu\":\"1\"}}]}}"))))
                .containsExactly("spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'");
    }

    @Test
    void resourceQuotas() {
        assertThat(str(ObjectValidation.validateResourceQuota(obj("{\"spec\":{\"hard\":{\"pods\":\"1.5\",\"widgets\":\"1\"}}}"))))
                .containsExactlyInAnyOrder("spec.hard[pods]: Invalid value: 1.5: must be an integer",
                        "spec.hard[widgets]: Invalid value: \"widgets\": must be a standard resource type or fully qualified");
    }

    @Test
    void endpoints() {
        assertThat(str(ObjectValidation.validateEndpoints(obj("{\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.1\"}],\"ports\":[{\"port\":0,\"protocol\":\"TCP\"}]}]}"))))
                .containsExactly("subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                        "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
        assertThat(str(ObjectValidation.validateEndpoints(obj("{\"subsets\":[{}]}"))))
                .containsExactly("subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`");
    }

    @Test
    void quantities() {
        assertThat(Quantity.parse("500m")).isEqualByComparingTo("0.5");
        assertThat(Quantity.parse("1Gi")).isEqualByComparingTo("1073741824");
        assertThat(Quantity.parse("2e3")).isEqualByComparingTo("2000");
        assertThat(Quantity.parse("1.5k")).isEqualByComparingTo("1500");
        assertThat(Quantity.parse("abc")).isNull();
    }
}
