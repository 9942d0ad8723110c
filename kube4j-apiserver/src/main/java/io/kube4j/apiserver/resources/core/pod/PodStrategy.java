package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.endpoints.SubresourceCreate;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.validation.core.PodSpecDefaults;
import io.kube4j.apiserver.validation.core.PodSpecValidation;
import io.kube4j.apiserver.validation.core.ValueFormats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Pods: upstream's v1 defaults plus what its admission plugins add on create (service account,
 * priority, not-ready/unreachable tolerations), status Pending with the QoS class on create, the
 * spec rules of updates, graceful deletion, and the {@code binding} and {@code eviction}
 * subresources. Stateless apart from the injected clock; thread-safe.
 */
public final class PodStrategy implements Strategy, SubresourceCreate {
    static final FieldPath SPEC = FieldPath.root("spec");
    private static final long DEFAULT_TOLERATION_SECONDS = 300;
    private static final Map<String, Integer> SYSTEM_PRIORITIES = Map.of(
            "system-node-critical", 2000001000, "system-cluster-critical", 2000000000);

    private final Clock clock;

    public PodStrategy(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        PodSpecDefaults.applyPodSpec(spec);
        PodSpecDefaults.applyPodOnly(spec);
        // ServiceAccount admission
        String sa = Json.text(spec, "serviceAccountName");
        if (sa == null || sa.isEmpty()) {
            sa = Json.text(spec, "serviceAccount");
        }
        if (sa == null || sa.isEmpty()) {
            sa = "default";
        }
        spec.put("serviceAccountName", sa);
        spec.put("serviceAccount", sa);
        // Priority admission
        String pc = Objects.requireNonNullElse(Json.text(spec, "priorityClassName"), "");
        if (!spec.hasNonNull("priority")) {
            spec.put("priority", SYSTEM_PRIORITIES.getOrDefault(pc, 0));
        }
        if (!spec.hasNonNull("preemptionPolicy")) {
            spec.put("preemptionPolicy", "PreemptLowerPriority");
        }
        addDefaultTolerations(spec);
    }

    /** DefaultTolerationSeconds admission: tolerate not-ready and unreachable nodes for 300 s. */
    static void addDefaultTolerations(ObjectNode spec) {
        boolean notReady = false;
        boolean unreachable = false;
        for (JsonNode t : spec.path("tolerations")) {
            String key = Objects.requireNonNullElse(Json.text(t, "key"), "");
            String effect = Objects.requireNonNullElse(Json.text(t, "effect"), "");
            boolean effectMatches = effect.isEmpty() || effect.equals("NoExecute");
            notReady |= (key.isEmpty() || key.equals("node.kubernetes.io/not-ready")) && effectMatches;
            unreachable |= (key.isEmpty() || key.equals("node.kubernetes.io/unreachable")) && effectMatches;
        }
        if (notReady && unreachable) {
            return;
        }
        ArrayNode list = spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
        if (!notReady) {
            addToleration(list, "node.kubernetes.io/not-ready");
        }
        if (!unreachable) {
            addToleration(list, "node.kubernetes.io/unreachable");
        }
    }

    private static void addToleration(ArrayNode list, String key) {
        ObjectNode t = list.addObject();
        t.put("key", key);
        t.put("operator", "Exists");
        t.put("effect", "NoExecute");
        t.put("tolerationSeconds", DEFAULT_TOLERATION_SECONDS);
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        ObjectNode status = obj.putObject("status");
        status.put("phase", "Pending");
        JsonNode spec = obj.path("spec");
        if (spec.path("schedulingGates").size() > 0) {
            ObjectNode c = status.putArray("conditions").addObject();
            c.put("type", "PodScheduled");
            c.put("status", "False");
            c.putNull("lastProbeTime");
            c.put("lastTransitionTime", io.kube4j.apimachinery.meta.Timestamps.format(clock.instant()));
            c.put("reason", "SchedulingGated");
            c.put("message", "Scheduling is blocked due to non-empty scheduling gates");
        }
        status.put("qosClass", PodQos.compute(spec));
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return PodSpecValidation.validatePodCreate(obj.path("spec"), SPEC);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>(PodSpecValidation.validatePod(obj.path("spec"), SPEC));
        errs.addAll(PodSpecValidation.validatePodUpdate(obj.path("spec"), old.path("spec"), SPEC));
        return errs;
    }

    @Override
    public List<FieldError> validateSubresourceUpdate(String subresource, ObjectNode obj, ObjectNode old) {
        if (!"status".equals(subresource)) {
            return List.of();
        }
        List<FieldError> errs = new ArrayList<>();
        FieldPath status = FieldPath.root("status");
        String qos = Json.text(obj.get("status"), "qosClass");
        String oldQos = Json.text(old.get("status"), "qosClass");
        if (!Objects.equals(qos, oldQos)) {
            errs.add(FieldError.invalid(status.child("qosClass"), qos == null ? "" : qos, ValueFormats.IMMUTABLE));
        }
        String nominated = Json.text(obj.get("status"), "nominatedNodeName");
        if (nominated != null && !nominated.isEmpty()
                && !nominated.equals(Json.text(old.get("status"), "nominatedNodeName"))) {
            for (String m : io.kube4j.apimachinery.validation.NameRules.isDns1123Subdomain(nominated)) {
                errs.add(FieldError.invalid(status.child("nominatedNodeName"), nominated, m));
            }
        }
        int i = 0;
        for (JsonNode ip : obj.path("status").path("podIPs")) {
            String v = ip.path("ip").asText();
            if (!ValueFormats.isIp(v)) {
                errs.add(FieldError.invalid(status.child("podIPs").index(i), v, ValueFormats.INVALID_IP));
            }
            i++;
        }
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        JsonNode status = obj.path("status");
        Map<String, String> f = new HashMap<>();
        f.put("spec.nodeName", spec.path("nodeName").asText(""));
        f.put("spec.restartPolicy", spec.path("restartPolicy").asText(""));
        f.put("spec.schedulerName", spec.path("schedulerName").asText(""));
        f.put("spec.serviceAccountName", spec.path("serviceAccountName").asText(""));
        f.put("spec.hostNetwork", Boolean.toString(spec.path("hostNetwork").asBoolean(false)));
        f.put("status.phase", status.path("phase").asText(""));
        List<String> ips = new ArrayList<>();
        status.path("podIPs").forEach(ip -> ips.add(ip.path("ip").asText()));
        f.put("status.podIP", ips.isEmpty() ? status.path("podIP").asText("") : ips.get(0));
        f.put("status.podIPs", String.join(",", ips));
        f.put("status.nominatedNodeName", status.path("nominatedNodeName").asText(""));
        return f;
    }

    /**
     * Upstream's CheckGracefulDelete: the requested period, else the pod's own; immediate for pods
     * never scheduled or already finished; negative periods become 1.
     */
    @Override
    public long gracePeriodSeconds(ObjectNode obj, Long requested) {
        long period = requested != null ? requested : obj.path("spec").path("terminationGracePeriodSeconds").asLong(0);
        if (obj.path("spec").path("nodeName").asText("").isEmpty()) {
            period = 0;
        }
        String phase = obj.path("status").path("phase").asText("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            period = 0;
        }
        return period < 0 ? 1 : period;
    }

    @Override
    public ObjectNode createSubresource(Registry registry, String subresource, String namespace, String name,
                                        ObjectNode body, WriteOptions opts) {
        return switch (subresource) {
            case "binding" -> PodBinding.bind(registry, clock, namespace, name, body, opts);
            case "eviction" -> PodEviction.evict(registry, namespace, name, body, opts);
            default -> throw StatusException.methodNotSupported("", "pods/" + subresource, "create");
        };
    }

    /** The body of a successful subresource POST: a Status with code 201. */
    static ObjectNode success() {
        ObjectNode s = Json.object();
        s.put("kind", "Status");
        s.put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", "Success");
        s.put("code", 201);
        return s;
    }
}
