package io.kube4j.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.resources.BuiltinResources;
import io.kube4j.apiserver.schema.SchemaCatalog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DocumentsTest {
    private static List<ResourceInfo> resources;
    private static Documents docs;

    @BeforeAll
    static void build() {
        resources = BuiltinResources.definitions().stream().map(BuiltinResources.Definition::info).toList();
        docs = Documents.build(resources, SchemaCatalog.build(resources));
    }

    private static JsonNode v3(String gv) {
        return Json.parse(docs.v3(gv).json());
    }

    @Test
    void rootListsEveryGroupVersionWithItsHash() {
        JsonNode root = Json.parse(docs.v3Root().json());
        assertThat(root.at("/paths/api~1v1/serverRelativeURL").asText())
                .isEqualTo("/openapi/v3/api/v1?hash=" + docs.v3("api/v1").hash());
        assertThat(root.at("/paths/apis~1apps~1v1/serverRelativeURL").asText()).startsWith("/openapi/v3/apis/apps/v1?hash=");
        assertThat(root.get("paths").size()).isEqualTo(resources.stream().map(ResourceInfo::apiVersion).distinct().count());
    }

    @Test
    void everyKindHasASchemaWithItsGroupVersionKind() {
        List<String> missing = new ArrayList<>();
        for (ResourceInfo r : resources) {
            String gv = r.group().isEmpty() ? "api/" + r.version() : "apis/" + r.group() + "/" + r.version();
            boolean found = false;
            for (JsonNode schema : v3(gv).at("/components/schemas")) {
                for (JsonNode gvk : schema.path("x-kubernetes-group-version-kind")) {
                    found |= gvk.path("group").asText().equals(r.group()) && gvk.path("version").asText().equals(r.version())
                            && gvk.path("kind").asText().equals(r.kind());
                }
            }
            if (!found) {
                missing.add(r.apiVersion() + "/" + r.kind());
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void patchDeclaresFieldValidationAndStrategicMergePatchForItsKind() {
        JsonNode patch = v3("api/v1").at("/paths/~1api~1v1~1namespaces~1{namespace}~1pods~1{name}/patch");
        assertThat(patch.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Pod");
        assertThat(patch.at("/x-kubernetes-action").asText()).isEqualTo("patch");
        List<String> params = new ArrayList<>();
        patch.get("parameters").forEach(p -> params.add(p.get("name").asText()));
        assertThat(params).contains("fieldValidation", "fieldManager", "dryRun", "force");
        assertThat(patch.at("/requestBody/content").has("application/strategic-merge-patch+json")).isTrue();
        JsonNode post = v3("apis/apps/v1").at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments/post");
        assertThat(post.at("/x-kubernetes-action").asText()).isEqualTo("post");
        assertThat(post.at("/requestBody/content/*~1*/schema/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.Deployment");
        assertThat(post.get("parameters").findValuesAsText("name")).contains("fieldValidation");
    }

    @Test
    void schemasUseUpstreamNamesAndShapes() {
        JsonNode schemas = v3("api/v1").get("components").get("schemas");
        assertThat(schemas.has("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")).isTrue();
        assertThat(schemas.has("io.k8s.api.core.v1.PodSpec")).isTrue();
        JsonNode container = schemas.get("io.k8s.api.core.v1.Container");
        assertThat(container.at("/properties/image/type").asText()).isEqualTo("string");
        assertThat(container.at("/properties/ports/x-kubernetes-patch-merge-key").asText()).isEqualTo("containerPort");
        assertThat(container.at("/properties/resources/allOf/0/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.api.core.v1.ResourceRequirements");
        assertThat(container.at("/properties").has("additionalProperties")).isFalse();
        assertThat(schemas.at("/io.k8s.api.core.v1.ResourceRequirements/properties/limits/additionalProperties/allOf/0/$ref")
                .asText()).isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity");
        assertThat(schemas.at("/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta/properties/creationTimestamp/allOf/0/$ref")
                .asText()).isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Time");
        assertThat(schemas.at("/io.k8s.apimachinery.pkg.apis.meta.v1.Time/format").asText()).isEqualTo("date-time");
        assertThat(schemas.at("/io.k8s.apimachinery.pkg.util.intstr.IntOrString/x-kubernetes-int-or-string").asBoolean())
                .isTrue();
        assertThat(schemas.at("/io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1/x-kubernetes-preserve-unknown-fields")
                .asBoolean()).isTrue();
        // only what api/v1 reaches: no apps types
        assertThat(schemas.has("io.k8s.api.apps.v1.Deployment")).isFalse();
    }

    @Test
    void swaggerTwoUsesDefinitionsAndPlainRefs() {
        JsonNode v2 = Json.parse(docs.v2().json());
        assertThat(v2.get("swagger").asText()).isEqualTo("2.0");
        JsonNode spec = v2.at("/definitions/io.k8s.api.core.v1.Pod/properties/spec");
        assertThat(spec.get("$ref").asText()).isEqualTo("#/definitions/io.k8s.api.core.v1.PodSpec");
        assertThat(v2.at("/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity/type").asText()).isEqualTo("string");
        JsonNode patch = v2.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
        assertThat(patch.get("consumes").toString()).contains("application/strategic-merge-patch+json");
        assertThat(patch.get("parameters").findValuesAsText("name")).contains("body", "fieldValidation");
        assertThat(Json.string(v2)).doesNotContain("#/components/schemas/");
    }

    @Test
    void scaleSubresourceNamesTheScaleKind() {
        JsonNode put = v3("apis/apps/v1").at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}~1scale/put");
        assertThat(put.at("/x-kubernetes-group-version-kind/kind").asText()).isEqualTo("Scale");
        assertThat(put.at("/x-kubernetes-group-version-kind/group").asText()).isEqualTo("autoscaling");
    }
}
