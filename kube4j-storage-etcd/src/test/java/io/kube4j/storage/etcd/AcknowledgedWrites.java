package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ConfigMap writes a test made and the API server acknowledged, each name with the resourceVersions it was written
 * at, in order: what a {@link ConfigMapReflector} must have seen. Shared by the fault tests; one test thread.
 */
final class AcknowledgedWrites {
    private final Map<String, List<Long>> byName = new LinkedHashMap<>();

    /** Creates {@code name} with {@code seq=v} through {@code client} and records it. */
    ConfigMap create(KubernetesClient client, String name) {
        ConfigMap cm = client.configMaps().resource(configMap(name)).create();
        record(name, rv(cm));
        return cm;
    }

    /** Sets {@code seq} on {@code name} through {@code client} and records the new version. */
    void update(KubernetesClient client, String name, String seq) {
        ConfigMap cm = client.configMaps().withName(name).edit(x -> new ConfigMapBuilder(x).addToData("seq", seq).build());
        record(name, rv(cm));
    }

    /** Records a write the test learnt of otherwise (e.g. one whose answer was lost but which landed). */
    void record(String name, long rv) {
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(rv);
    }

    /** Name to the acknowledged resourceVersions, for {@link ConfigMapReflector#missed}. */
    Map<String, List<Long>> byName() {
        return byName;
    }

    /** A ConfigMap named {@code name} with {@code seq=v}. */
    static ConfigMap configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(Map.of("seq", "v")).build();
    }

    static long rv(ConfigMap cm) {
        return Long.parseLong(cm.getMetadata().getResourceVersion());
    }

    /** Every ConfigMap of the client's namespace, name to resourceVersion, as a list through it reads them. */
    static Map<String, Long> names(KubernetesClient client) {
        Map<String, Long> out = new HashMap<>();
        for (ConfigMap cm : client.configMaps().list().getItems()) {
            out.put(cm.getMetadata().getName(), rv(cm));
        }
        return out;
    }
}
