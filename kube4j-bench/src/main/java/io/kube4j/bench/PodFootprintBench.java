package io.kube4j.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.cache.CacheEvent;
import io.kube4j.apiserver.registry.cache.CompactNodeFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The heap one density pod costs in each form the server holds it in, measured in the bench JVM itself (no server):
 * the pod is a real one taken from a density run ({@code density-pod.json}: bound, Running, status from a simulated
 * node), copied N times with distinct names and uids and decoded separately, as the server decodes each pod it
 * receives. Bytes per pod = (live heap holding the N copies − live heap without them) / N, each reading after the
 * full GC of {@code jcmd GC.class_histogram} on this JVM.
 */
final class PodFootprintBench implements Benchmark {
    static final int COPIES = 2000;

    @Override
    public String name() {
        return "pod-footprint";
    }

    @Override
    public String method() {
        return "no server: a density pod (bound, Running, simulated-node status) decoded " + COPIES + " times with"
                + " distinct names/uids into each form; per-pod bytes = live-heap difference (jcmd GC.class_histogram on"
                + " the bench JVM) / copies";
    }

    @Override
    public String goal() {
        return "(measurement only) the heap per pod of each form: JSON bytes, ObjectNode (default and compact),"
                + " CacheEvent, fabric8 Pod, GenericKubernetesResource, PartialObjectMetadata";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        String template = template();
        KubernetesSerialization fabric8 = new KubernetesSerialization();
        String[] texts = new String[COPIES];
        for (int i = 0; i < COPIES; i++) {
            texts[i] = copy(template, i);
        }
        Map<String, Function<String, Object>> forms = new LinkedHashMap<>();
        forms.put("jsonBytes", t -> Json.bytes(Json.parse(t)));
        forms.put("objectNode", Json::parse);
        forms.put("compactObjectNode", t -> CompactNodeFactory.parse(t.getBytes(StandardCharsets.UTF_8)));
        forms.put("cacheEventModified", t -> {
            // a window entry: the new object, the previous one, the object's JSON and the event line
            CacheEvent e = new CacheEvent(CacheEvent.Type.MODIFIED, "k", (ObjectNode) Json.parse(t),
                    (ObjectNode) Json.parse(t), 1);
            e.line();
            return e;
        });
        forms.put("compactCacheEventModified", t -> {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            CacheEvent e = new CacheEvent(CacheEvent.Type.MODIFIED, "k", CompactNodeFactory.parse(b),
                    CompactNodeFactory.parse(b), 1);
            e.line();
            return e;
        });
        forms.put("fabric8Pod", t -> fabric8.unmarshal(t, Pod.class));
        forms.put("genericKubernetesResource", t -> fabric8.unmarshal(t, GenericKubernetesResource.class));
        forms.put("partialObjectMetadataGeneric", t -> fabric8.unmarshal(partial(t), GenericKubernetesResource.class));
        Map<String, Object> perPod = new LinkedHashMap<>();
        Map<String, Object> topClasses = new LinkedHashMap<>();
        long self = ProcessHandle.current().pid();
        BenchOptions o = ctx.options();
        for (Map.Entry<String, Function<String, Object>> f : forms.entrySet()) {
            // decode once and drop it, so the decoder's classes and caches are in both readings
            f.getValue().apply(texts[0]);
            ClassHistogram before = ClassHistogram.of(o.java(), self);
            Object[] held = new Object[COPIES];
            for (int i = 0; i < COPIES; i++) {
                held[i] = f.getValue().apply(texts[i]);
            }
            ClassHistogram after = ClassHistogram.of(o.java(), self);
            Reference.reachabilityFence(held);
            double bytes = (after.liveBytes() - before.liveBytes()) / (double) COPIES;
            perPod.put(f.getKey() + "Bytes", Math.round(bytes));
            topClasses.put(f.getKey(), SimNodeHeapBench.topDeltas(before, after, COPIES, 5));
            System.out.printf("  %-30s %,8.0f bytes per pod%n", f.getKey(), bytes);
        }
        Reference.reachabilityFence(texts);
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("copies", COPIES);
        params.put("podJsonBytes", template.getBytes(StandardCharsets.UTF_8).length);
        Map<String, Object> results = new LinkedHashMap<>(perPod);
        results.put("topClassesBytesPerPod", topClasses);
        return new Result(params, results, true);
    }

    static String template() throws IOException {
        try (InputStream in = PodFootprintBench.class.getResourceAsStream("density-pod.json")) {
            if (in == null) {
                throw new IOException("density-pod.json is missing from the bench jar");
            }
            // compact, as the server stores and sends it
            return Json.string(Json.parse(in.readAllBytes()));
        }
    }

    /** The template with its own name and uid, so no two copies share those strings. */
    static String copy(String template, int i) {
        ObjectNode pod = (ObjectNode) Json.parse(template);
        ObjectNode meta = (ObjectNode) pod.get("metadata");
        meta.put("name", meta.get("name").asText() + "-" + i);
        meta.put("uid", String.format("%08x-0000-4000-8000-%012x", i, i));
        return Json.string(pod);
    }

    /** The pod as a metadata-only watch or list delivers it. */
    static String partial(String text) {
        ObjectNode p = Json.object();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", "meta.k8s.io/v1");
        p.set("metadata", Json.parse(text).get("metadata"));
        return Json.string(p);
    }
}
