package io.kube4j.node.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A short hash of a container's spec. Stored as an annotation on each container instance so the kubelet restarts a
 * container whose spec changed and adopts unchanged ones after its own restart. Fields the API lets users change on a
 * running pod without a restart (resources' status) are not part of the spec object, so the hash is of the whole spec.
 */
public final class ContainerHash {
    private ContainerHash() {
    }

    public static String of(Container container) {
        try {
            byte[] json = Serialization.asJson(container).getBytes(StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
