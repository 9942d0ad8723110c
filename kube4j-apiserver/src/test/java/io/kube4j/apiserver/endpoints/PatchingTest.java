package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PatchingTest {
    private static final String SMP = "application/strategic-merge-patch+json";

    private static JsonNode j(String text) {
        return Json.parse(text.replace('\'', '"'));
    }

    private static final String DEPLOY = "{'kind':'Deployment','spec':{'template':{'spec':{'containers':["
            + "{'name':'a','image':'a'},{'name':'b','image':'b'}]}}}}";

    @Test
    void strategicMergeUsesTheKindsMergeKeys() {
        ObjectNode out = Patching.apply("apps", "Deployment", SMP, (ObjectNode) j(DEPLOY),
                j("{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'new'}]}}}}"));
        assertThat(out.at("/spec/template/spec/containers")).isEqualTo(
                j("[{'name':'a','image':'a'},{'name':'b','image':'new'}]"));
    }

    @Test
    void mergePatchStillReplacesLists() {
        ObjectNode out = Patching.apply("apps", "Deployment", "application/merge-patch+json", (ObjectNode) j(DEPLOY),
                j("{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'new'}]}}}}"));
        assertThat(out.at("/spec/template/spec/containers")).isEqualTo(j("[{'name':'b','image':'new'}]"));
    }

    @Test
    void customResourcesRefuseStrategicMerge() {
        assertThatThrownBy(() -> Patching.apply("stable.example.com", "CronTab", SMP,
                (ObjectNode) j("{'spec':{}}"), j("{'spec':{'x':1}}")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(415);
                    assertThat(e.getMessage()).isEqualTo("the body of the request was in an unknown format - "
                            + "accepted media types include: application/json-patch+json, "
                            + "application/merge-patch+json, application/apply-patch+yaml");
                });
    }

    @Test
    void scaleAcceptsStrategicMerge() {
        ObjectNode out = Patching.apply("autoscaling", "Scale", SMP,
                (ObjectNode) j("{'kind':'Scale','spec':{'replicas':1}}"), j("{'spec':{'replicas':4}}"));
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(4);
    }
}
