package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodSpecDefaultsTest {
    static ObjectNode spec(String json) {
        return (ObjectNode) Json.parse(json);
    }

    @Test
    void podSpecDefaults() {
        ObjectNode s = spec("""
                {"containers":[{"name":"c","image":"nginx","ports":[{"containerPort":80}],
                  "livenessProbe":{"httpGet":{"port":80}},
                  "env":[{"name":"N","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}],
                 "volumes":[{"name":"v"},{"name":"s","secret":{"secretName":"x"}}]}""");
        PodSpecDefaults.applyPodSpec(s);
        assertThat(s.path("restartPolicy").asText()).isEqualTo("Always");
        assertThat(s.path("dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(s.path("terminationGracePeriodSeconds").asInt()).isEqualTo(30);
        assertThat(s.path("schedulerName").asText()).isEqualTo("default-scheduler");
        assertThat(s.get("securityContext").isObject()).isTrue();
        assertThat(s.has("enableServiceLinks")).isFalse();
        ObjectNode c = (ObjectNode) s.path("containers").get(0);
        assertThat(c.path("imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(c.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
        assertThat(c.path("terminationMessagePolicy").asText()).isEqualTo("File");
        assertThat(c.get("resources").isObject()).isTrue();
        assertThat(c.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        var probe = c.path("livenessProbe");
        assertThat(probe.path("timeoutSeconds").asInt()).isEqualTo(1);
        assertThat(probe.path("periodSeconds").asInt()).isEqualTo(10);
        assertThat(probe.path("successThreshold").asInt()).isEqualTo(1);
        assertThat(probe.path("failureThreshold").asInt()).isEqualTo(3);
        assertThat(probe.path("httpGet").path("scheme").asText()).isEqualTo("HTTP");
        assertThat(probe.path("httpGet").path("path").asText()).isEqualTo("/");
        assertThat(c.path("env").get(0).path("valueFrom").path("fieldRef").path("apiVersion").asText()).isEqualTo("v1");
        assertThat(s.path("volumes").get(0).get("emptyDir").isObject()).isTrue();
        assertThat(s.path("volumes").get(1).path("secret").path("defaultMode").asInt()).isEqualTo(420);
    }

    @Test
    void pullPolicyFollowsTheTag() {
        assertThat(PodSpecDefaults.imageTag("nginx")).isEqualTo("latest");
        assertThat(PodSpecDefaults.imageTag("nginx:1.25")).isEqualTo("1.25");
        assertThat(PodSpecDefaults.imageTag("localhost:5000/app")).isEqualTo("latest");
        assertThat(PodSpecDefaults.imageTag("app@sha256:abc")).isEmpty();
        ObjectNode c = spec("{\"image\":\"nginx:1.25\"}");
        PodSpecDefaults.applyContainer(c);
        assertThat(c.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        ObjectNode keep = spec("{\"image\":\"nginx\",\"imagePullPolicy\":\"Never\"}");
        PodSpecDefaults.applyContainer(keep);
        assertThat(keep.path("imagePullPolicy").asText()).isEqualTo("Never");
    }

    @Test
    void podOnlyDefaultsCopyLimitsToRequests() {
        ObjectNode s = spec("""
                {"hostNetwork":true,"containers":[{"name":"c","image":"x","ports":[{"containerPort":8080}],
                  "resources":{"limits":{"cpu":"1","memory":"1Gi"},"requests":{"cpu":"500m"}}}]}""");
        PodSpecDefaults.applyPodOnly(s);
        var res = s.path("containers").get(0).path("resources");
        assertThat(res.path("requests").path("cpu").asText()).isEqualTo("500m");
        assertThat(res.path("requests").path("memory").asText()).isEqualTo("1Gi");
        assertThat(s.path("enableServiceLinks").asBoolean()).isTrue();
        assertThat(s.path("containers").get(0).path("ports").get(0).path("hostPort").asInt()).isEqualTo(8080);
    }
}
