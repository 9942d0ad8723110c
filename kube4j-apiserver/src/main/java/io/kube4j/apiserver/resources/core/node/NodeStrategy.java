package io.kube4j.apiserver.resources.core.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.ObjectValidation;

import java.util.List;
import java.util.Map;

/**
 * Nodes (cluster-scoped): the kubelet's status is kept on create (upstream does not clear it),
 * the status subresource owns it afterwards, podCIDR and podCIDRs stay in step and are immutable
 * once set, and {@code spec.unschedulable} is selectable. Stateless and thread-safe.
 */
public final class NodeStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        String cidr = Json.text(spec, "podCIDR");
        JsonNode cidrs = spec.get("podCIDRs");
        if (cidr != null && !cidr.isEmpty() && (cidrs == null || cidrs.isEmpty())) {
            spec.putArray("podCIDRs").add(cidr);
        } else if ((cidr == null || cidr.isEmpty()) && cidrs != null && cidrs.size() > 0) {
            spec.put("podCIDR", cidrs.get(0).asText());
        }
        JsonNode status = obj.get("status");
        if (status instanceof ObjectNode st && st.has("capacity") && !st.has("allocatable")) {
            st.set("allocatable", st.get("capacity").deepCopy());
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ObjectValidation.validateNode(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return ObjectValidation.validateNodeUpdate(obj, old);
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of("spec.unschedulable", Boolean.toString(obj.path("spec").path("unschedulable").asBoolean(false)));
    }
}
