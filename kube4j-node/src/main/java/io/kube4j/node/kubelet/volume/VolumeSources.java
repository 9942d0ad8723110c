package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Where volume plugins read API objects: the kubelet wires these to its API client (GET on demand), tests to maps.
 * Each lookup returns null when the object does not exist and throws on other errors. Must be thread-safe.
 *
 * @param nodeAllocatable the node's allocatable amount of a resource (downward API limits without a container limit)
 * @param tokenRequest POSTs a TokenRequest for {@code (namespace, serviceAccount)} and returns the answer
 */
public record VolumeSources(BiFunction<String, String, ConfigMap> configMap,
                            BiFunction<String, String, Secret> secret,
                            BiFunction<String, String, PersistentVolumeClaim> claim,
                            Function<String, PersistentVolume> persistentVolume,
                            TokenRequester tokenRequest,
                            Function<String, Quantity> nodeAllocatable) {

    /** The TokenRequest API: {@code POST /api/v1/namespaces/{ns}/serviceaccounts/{sa}/token}. */
    @FunctionalInterface
    public interface TokenRequester {
        TokenRequest request(String namespace, String serviceAccount, TokenRequest request);
    }

    /** Sources that find nothing (tear-down only, e.g. {@code kube4j killall}). */
    public static VolumeSources none() {
        return new VolumeSources((ns, n) -> null, (ns, n) -> null, (ns, n) -> null, n -> null,
                (ns, sa, r) -> {
                    throw new IllegalStateException("no API server");
                }, r -> null);
    }
}
