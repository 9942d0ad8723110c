package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.kube4j.node.kubelet.env.EnvResolver;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * {@code downwardAPI}: pod fields and container resources as files. Labels and annotations are written as upstream
 * does, one {@code key="value"} line per entry, sorted by key, with the value quoted as Go's {@code %q}.
 */
final class DownwardApiPlugin extends ProjectedFilesPlugin {
    private final VolumeSources sources;

    DownwardApiPlugin(VolumeSources sources, Clock clock, Random random) {
        super(clock, random);
        this.sources = sources;
    }

    @Override
    public String dirName() {
        return "kubernetes.io~downward-api";
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getDownwardAPI() != null;
    }

    @Override
    Map<String, AtomicWriter.FileProjection> payload(Pod pod, Volume v) throws PayloadException {
        return files(sources, pod, v.getDownwardAPI().getItems(),
                modeOr(v.getDownwardAPI().getDefaultMode(), DEFAULT_MODE));
    }

    /** The files of a downward API item list (also a projected source). */
    static Map<String, AtomicWriter.FileProjection> files(VolumeSources sources, Pod pod,
                                                          List<DownwardAPIVolumeFile> items, int defaultMode)
            throws PayloadException {
        Map<String, AtomicWriter.FileProjection> out = new LinkedHashMap<>();
        if (items == null) {
            return out;
        }
        for (DownwardAPIVolumeFile item : items) {
            String value;
            if (item.getFieldRef() != null) {
                value = field(pod, item.getFieldRef().getFieldPath());
            } else if (item.getResourceFieldRef() != null) {
                var ref = item.getResourceFieldRef();
                Container c = pod.getSpec().getContainers().stream()
                        .filter(x -> x.getName().equals(ref.getContainerName())).findFirst().orElse(null);
                if (c == null) {
                    throw new PayloadException("container " + ref.getContainerName() + " not found in the pod");
                }
                value = EnvResolver.resource(pod, c, ref.getResource(), ref.getDivisor(),
                        new EnvResolver.Sources((a, b) -> null, (a, b) -> null, sources.nodeAllocatable()));
            } else {
                continue;
            }
            out.put(item.getPath(), new AtomicWriter.FileProjection(value.getBytes(StandardCharsets.UTF_8),
                    modeOr(item.getMode(), defaultMode)));
        }
        return out;
    }

    static String field(Pod pod, String path) {
        return switch (path) {
            case "metadata.labels" -> formatMap(pod.getMetadata().getLabels());
            case "metadata.annotations" -> formatMap(pod.getMetadata().getAnnotations());
            default -> {
                String v = EnvResolver.field(pod, path, pod.getStatus() == null ? "" : pod.getStatus().getPodIP(),
                        pod.getStatus() == null ? "" : pod.getStatus().getHostIP());
                yield v == null ? "" : v;
            }
        };
    }

    /** Upstream's map format: sorted {@code key="value"} lines joined by newlines, no newline at the end. */
    static String formatMap(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (var e : new TreeMap<>(map).entrySet()) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(e.getKey()).append('=').append(goQuote(e.getValue()));
        }
        return out.toString();
    }

    /** Go's {@code strconv.Quote} for the characters labels and annotations can hold. */
    static String goQuote(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (cp < 0x20 || cp == 0x7f) {
                        out.append(String.format("\\x%02x", cp));
                    } else {
                        out.appendCodePoint(cp);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}
