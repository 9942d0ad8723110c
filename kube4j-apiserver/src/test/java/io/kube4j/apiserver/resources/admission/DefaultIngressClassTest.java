package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.resources.BuiltinResources;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultIngressClassTest {
    private Registry registry;
    private CacheRouter router;

    @BeforeEach
    void start() {
        MemoryStorage storage = new MemoryStorage();
        router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        registry = new Registry();
        BuiltinResources.register(registry, storage, router, Clock.systemUTC(), new Random(1), "10.43.0.0/16",
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"));
        router.start();
        create("namespaces", null, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}");
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private ObjectNode create(String resource, String namespace, String json) {
        String group = resource.startsWith("ingress") ? "networking.k8s.io" : "";
        return registry.store(group, resource).create(namespace, (ObjectNode) Json.parse(json), WriteOptions.defaults());
    }

    private ObjectNode ingress(String name, String extra) {
        return create("ingresses", "default", "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
                + "\"metadata\":{\"name\":\"" + name + "\"" + extra + "},\"spec\":{\"defaultBackend\":{\"service\":"
                + "{\"name\":\"kubia\",\"port\":{\"number\":80}}}}}");
    }

    private void ingressClass(String name, boolean isDefault) {
        String annotations = isDefault
                ? ",\"annotations\":{\"ingressclass.kubernetes.io/is-default-class\":\"true\"}" : "";
        create("ingressclasses", null, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\","
                + "\"metadata\":{\"name\":\"" + name + "\"" + annotations + "},\"spec\":{\"controller\":\"x.io/" + name + "\"}}");
    }

    @Test
    void anIngressWithoutClassGetsTheDefaultOne() {
        ingressClass("other", false);
        ingressClass("kube4j", true);
        assertThat(Json.text(ingress("a", "").get("spec"), "ingressClassName")).isEqualTo("kube4j");
    }

    @Test
    void noDefaultClassOrAnExplicitClassLeavesTheIngressAlone() {
        ingressClass("other", false);
        assertThat(ingress("a", "").get("spec").has("ingressClassName")).isFalse();
        ingressClass("kube4j", true);
        ObjectNode legacy = ingress("b", ",\"annotations\":{\"kubernetes.io/ingress.class\":\"nginx\"}");
        assertThat(legacy.get("spec").has("ingressClassName")).isFalse();
    }

    @Test
    void theNewestOfSeveralDefaultsWins() {
        ObjectNode older = Json.object();
        older.putObject("metadata").put("name", "a").put("creationTimestamp", "2024-01-01T00:00:00Z")
                .putObject("annotations").put(DefaultIngressClass.DEFAULT_ANNOTATION, "true");
        ObjectNode newer = older.deepCopy();
        ((ObjectNode) newer.get("metadata")).put("name", "b").put("creationTimestamp", "2024-06-01T00:00:00Z");
        ObjectNode notDefault = Json.object();
        notDefault.putObject("metadata").put("name", "c").put("creationTimestamp", "2025-01-01T00:00:00Z");
        assertThat(DefaultIngressClass.defaultClass(List.of(newer, older, notDefault))).contains("b");
        assertThat(DefaultIngressClass.defaultClass(List.of(notDefault))).isEmpty();
    }
}
