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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultStorageClassTest {
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
        create("", "namespaces", null, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"default\"}}");
    }

    @AfterEach
    void stop() {
        router.close();
    }

    private ObjectNode create(String group, String resource, String namespace, String json) {
        return registry.store(group, resource).create(namespace, (ObjectNode) Json.parse(json), WriteOptions.defaults());
    }

    private ObjectNode claim(String name, String classField) {
        return create("", "persistentvolumeclaims", "default", "{\"apiVersion\":\"v1\",\"kind\":\"PersistentVolumeClaim\","
                + "\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + classField
                + "\"accessModes\":[\"ReadWriteOnce\"],\"resources\":{\"requests\":{\"storage\":\"1Gi\"}}}}");
    }

    private void storageClass(String name, boolean isDefault) {
        String annotations = isDefault
                ? ",\"annotations\":{\"storageclass.kubernetes.io/is-default-class\":\"true\"}" : "";
        create("storage.k8s.io", "storageclasses", null, "{\"apiVersion\":\"storage.k8s.io/v1\",\"kind\":\"StorageClass\","
                + "\"metadata\":{\"name\":\"" + name + "\"" + annotations + "},\"provisioner\":\"x.io/" + name + "\"}");
    }

    @Test
    void aClaimWithoutClassGetsTheDefaultOne() {
        storageClass("slow", false);
        storageClass("local-path", true);
        assertThat(Json.text(claim("a", "").get("spec"), "storageClassName")).isEqualTo("local-path");
    }

    @Test
    void anEmptyOrNamedClassIsKept() {
        storageClass("local-path", true);
        assertThat(Json.text(claim("a", "\"storageClassName\":\"\",").get("spec"), "storageClassName")).isEmpty();
        assertThat(Json.text(claim("b", "\"storageClassName\":\"slow\",").get("spec"), "storageClassName"))
                .isEqualTo("slow");
    }

    @Test
    void withoutDefaultClassTheClaimStaysClassless() {
        storageClass("slow", false);
        assertThat(claim("a", "").get("spec").has("storageClassName")).isFalse();
    }
}
