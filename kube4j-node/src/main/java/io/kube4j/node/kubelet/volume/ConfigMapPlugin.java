package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** {@code configMap}: the ConfigMap's data and binaryData keys as files (all, or the listed items). */
final class ConfigMapPlugin extends ProjectedFilesPlugin {
    private final VolumeSources sources;

    ConfigMapPlugin(VolumeSources sources, Clock clock, Random random) {
        super(clock, random);
        this.sources = sources;
    }

    @Override
    public String dirName() {
        return "kubernetes.io~configmap";
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getConfigMap() != null;
    }

    @Override
    Map<String, AtomicWriter.FileProjection> payload(Pod pod, Volume v) throws PayloadException {
        var src = v.getConfigMap();
        return files(sources, pod.getMetadata().getNamespace(), src.getName(), src.getItems(), src.getOptional(),
                modeOr(src.getDefaultMode(), DEFAULT_MODE));
    }

    /** The files of one ConfigMap (also a projected source). */
    static Map<String, AtomicWriter.FileProjection> files(VolumeSources sources, String ns, String name,
                                                          List<KeyToPath> items, Boolean optional, int defaultMode)
            throws PayloadException {
        ConfigMap cm = sources.configMap().apply(ns, name);
        if (cm == null) {
            if (Boolean.TRUE.equals(optional)) {
                return Map.of();
            }
            throw new PayloadException("configmap \"" + name + "\" not found");
        }
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (cm.getData() != null) {
            cm.getData().forEach((k, val) -> data.put(k, val.getBytes(StandardCharsets.UTF_8)));
        }
        if (cm.getBinaryData() != null) {
            cm.getBinaryData().forEach((k, val) -> data.put(k, Base64.getDecoder().decode(val)));
        }
        return select(data, items, optional, defaultMode, "configmap references non-existent config key: ");
    }

    /** All keys, or the listed items with their own paths and modes; a missing listed key fails unless optional. */
    static Map<String, AtomicWriter.FileProjection> select(Map<String, byte[]> data, List<KeyToPath> items,
                                                           Boolean optional, int defaultMode, String missing)
            throws PayloadException {
        Map<String, AtomicWriter.FileProjection> out = new LinkedHashMap<>();
        if (items == null || items.isEmpty()) {
            data.forEach((k, bytes) -> out.put(k, new AtomicWriter.FileProjection(bytes, defaultMode)));
            return out;
        }
        for (KeyToPath item : items) {
            byte[] bytes = data.get(item.getKey());
            if (bytes == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new PayloadException(missing + item.getKey());
            }
            out.put(item.getPath(), new AtomicWriter.FileProjection(bytes, modeOr(item.getMode(), defaultMode)));
        }
        return out;
    }
}
