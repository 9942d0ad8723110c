package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** {@code secret}: the Secret's keys as files on a tmpfs, so they never touch the node's disk (as upstream). */
final class SecretPlugin extends ProjectedFilesPlugin {
    private final VolumeSources sources;

    SecretPlugin(VolumeSources sources, Clock clock, Random random) {
        super(clock, random);
        this.sources = sources;
    }

    @Override
    public String dirName() {
        return "kubernetes.io~secret";
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getSecret() != null;
    }

    @Override
    void prepare(Path dir) throws IOException {
        Tmpfs.ensureMounted(dir, null);
    }

    @Override
    Map<String, AtomicWriter.FileProjection> payload(Pod pod, Volume v) throws PayloadException {
        var src = v.getSecret();
        return files(sources, pod.getMetadata().getNamespace(), src.getSecretName(), src.getItems(),
                src.getOptional(), modeOr(src.getDefaultMode(), DEFAULT_MODE));
    }

    /** The files of one Secret (also a projected source). */
    static Map<String, AtomicWriter.FileProjection> files(VolumeSources sources, String ns, String name,
                                                          List<KeyToPath> items, Boolean optional, int defaultMode)
            throws PayloadException {
        Secret s = name == null ? null : sources.secret().apply(ns, name);
        if (s == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new PayloadException("secret \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
        }
        if (s.getStringData() != null) {
            s.getStringData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        return ConfigMapPlugin.select(data, items, optional, defaultMode, "references non-existent secret key: ");
    }
}
