package io.kube4j.controllers.deployment;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.nio.charset.StandardCharsets;

/**
 * The {@code pod-template-hash} of a Deployment's template: a 32-bit FNV-1a hash of the template (plus the
 * collision count), written with upstream's safe alphabet (no vowels, no look-alike digits), so ReplicaSet names
 * read like upstream's ({@code kubia-7c5ddbdf54}).
 */
public final class TemplateHash {
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private TemplateHash() {
    }

    public static String of(PodTemplateSpec template, Integer collisionCount) {
        PodTemplateSpec t = new PodTemplateSpecBuilder(template).build();
        if (t.getMetadata() != null && t.getMetadata().getLabels() != null) {
            t.getMetadata().getLabels().remove(DeploymentController.HASH_LABEL);
        }
        byte[] bytes = (Serialization.asJson(t) + (collisionCount == null ? "" : ":" + collisionCount))
                .getBytes(StandardCharsets.UTF_8);
        int h = 0x811c9dc5;
        for (byte b : bytes) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return encode(Integer.toUnsignedString(h));
    }

    /** Upstream's rand.SafeEncodeString: each character mapped into the safe alphabet. */
    static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            out.append(ALPHABET.charAt(c % ALPHABET.length()));
        }
        return out.toString();
    }
}
