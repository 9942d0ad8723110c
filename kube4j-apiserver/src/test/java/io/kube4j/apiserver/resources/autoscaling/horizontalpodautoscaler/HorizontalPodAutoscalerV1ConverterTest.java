package io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HorizontalPodAutoscalerV1ConverterTest {
    private final HorizontalPodAutoscalerV1Converter c = new HorizontalPodAutoscalerV1Converter();

    @Test
    void cpuTargetBecomesAResourceMetric() {
        ObjectNode v1 = (ObjectNode) Json.parse("""
                {"apiVersion":"autoscaling/v1","kind":"HorizontalPodAutoscaler","metadata":{"name":"h"},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"d"},"maxReplicas":5,"targetCPUUtilizationPercentage":30}}""");
        ObjectNode v2 = c.toStorage(v1);
        assertThat(v2.path("apiVersion").asText()).isEqualTo("autoscaling/v2");
        assertThat(Json.string(v2.path("spec").path("metrics"))).isEqualTo(
                "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":30}}}]");
        ObjectNode back = c.fromStorage(v2);
        assertThat(back.path("spec").path("targetCPUUtilizationPercentage").asInt()).isEqualTo(30);
        assertThat(back.path("metadata").has("annotations")).isFalse();
    }

    @Test
    void v2OnlyFieldsSurviveAV1RoundTrip() {
        ObjectNode v2 = (ObjectNode) Json.parse("""
                {"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","annotations":{"keep":"me"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"d"},"maxReplicas":5,
                   "metrics":[{"type":"Resource","resource":{"name":"memory","target":{"type":"Utilization","averageUtilization":60}}}],
                   "behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}},
                 "status":{"currentReplicas":2,"desiredReplicas":3,"conditions":[{"type":"AbleToScale","status":"True"}]}}""");
        ObjectNode v1 = c.fromStorage(v2);
        assertThat(v1.path("spec").has("targetCPUUtilizationPercentage")).isFalse();
        assertThat(v1.path("metadata").path("annotations").path("keep").asText()).isEqualTo("me");
        assertThat(v1.path("metadata").path("annotations").has(HorizontalPodAutoscalerV1Converter.METRICS)).isTrue();
        ObjectNode again = c.toStorage(v1);
        assertThat(again.path("spec")).isEqualTo(v2.path("spec"));
        assertThat(again.path("status").path("conditions")).isEqualTo(v2.path("status").path("conditions"));
        assertThat(again.path("metadata").path("annotations").size()).isEqualTo(1);
    }
}
