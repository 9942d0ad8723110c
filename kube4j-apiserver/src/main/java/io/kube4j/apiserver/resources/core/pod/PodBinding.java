package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST pods/<name>/binding}: assigns an unscheduled pod to a node, as the scheduler does.
 * Called by {@link PodStrategy}; stateless and thread-safe (the store retries on conflicts).
 */
final class PodBinding {
    private PodBinding() {
    }

    /** Validation of a Binding body, as upstream's ValidatePodBinding. */
    static List<FieldError> validate(JsonNode binding) {
        List<FieldError> errs = new ArrayList<>();
        String kind = binding.path("target").path("kind").asText("");
        if (!kind.isEmpty() && !kind.equals("Node")) {
            errs.add(FieldError.notSupported(FieldPath.of("target", "kind"), kind, List.of("Node", "<empty>")));
        }
        if (binding.path("target").path("name").asText("").isEmpty()) {
            errs.add(FieldError.required(FieldPath.of("target", "name"), ""));
        }
        return errs;
    }

    static ObjectNode bind(Registry registry, Clock clock, String namespace, String name, ObjectNode body,
                           WriteOptions opts) {
        JsonNode meta = body.path("metadata");
        String bodyName = meta.path("name").asText("");
        if (!bodyName.isEmpty() && !bodyName.equals(name)) {
            throw StatusException.badRequest("name in URL does not match name in Binding object");
        }
        List<FieldError> errs = validate(body);
        if (!errs.isEmpty()) {
            throw StatusException.invalid("", "Binding", name, errs);
        }
        String node = body.path("target").path("name").asText();
        String uid = meta.path("uid").asText("");
        String rv = meta.path("resourceVersion").asText("");
        long expected = rv.isEmpty() ? -1 : Long.parseLong(rv);
        Store pods = registry.store("", "pods");
        pods.guaranteedUpdate(namespace, name, "binding", opts, pod -> {
            ObjectNode pm = Json.with(pod, "metadata");
            if (!uid.isEmpty() && !uid.equals(Json.text(pm, "uid"))) {
                throw StatusException.conflict("", "pods/binding", name, "Precondition failed: UID in precondition: "
                        + uid + ", UID in object meta: " + Json.text(pm, "uid"));
            }
            if (pm.hasNonNull("deletionTimestamp")) {
                throw StatusException.conflict("", "pods/binding", name,
                        "pod " + name + " is being deleted, cannot be assigned to a host");
            }
            ObjectNode spec = Json.with(pod, "spec");
            String current = Json.text(spec, "nodeName");
            if (current != null && !current.isEmpty()) {
                throw StatusException.conflict("", "pods/binding", name,
                        "pod " + name + " is already assigned to node \"" + current + "\"");
            }
            spec.put("nodeName", node);
            JsonNode annotations = meta.get("annotations");
            if (annotations != null && annotations.isObject() && !annotations.isEmpty()) {
                Json.with(pm, "annotations").setAll((ObjectNode) annotations.deepCopy());
            }
            setScheduled(Json.with(pod, "status"), clock);
            return pod;
        }, expected);
        return PodStrategy.success();
    }

    /** Sets condition PodScheduled=True, keeping its transition time when it was already true. */
    private static void setScheduled(ObjectNode status, Clock clock) {
        ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
        for (JsonNode c : conditions) {
            if ("PodScheduled".equals(c.path("type").asText())) {
                ObjectNode o = (ObjectNode) c;
                if (!"True".equals(o.path("status").asText())) {
                    o.put("lastTransitionTime", Timestamps.format(clock.instant()));
                }
                o.put("status", "True");
                o.remove("reason");
                o.remove("message");
                return;
            }
        }
        ObjectNode c = conditions.addObject();
        c.put("type", "PodScheduled");
        c.put("status", "True");
        c.putNull("lastProbeTime");
        c.put("lastTransitionTime", Timestamps.format(clock.instant()));
    }
}
