package io.kube4j.apiserver.validation.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;

/**
 * networking.k8s.io/v1 defaulting (upstream's pkg/apis/networking/v1/defaults.go). Called by the
 * networking strategies; stateless and thread-safe.
 */
public final class NetworkingDefaults {
    private NetworkingDefaults() {
    }

    /** Policy types default to Ingress, plus Egress when egress rules exist; ports default to TCP. */
    public static void networkPolicy(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        JsonNode types = spec.get("policyTypes");
        if (types == null || !types.isArray() || types.isEmpty()) {
            ArrayNode t = spec.putArray("policyTypes");
            t.add("Ingress");
            JsonNode egress = spec.get("egress");
            if (egress != null && egress.isArray() && !egress.isEmpty()) {
                t.add("Egress");
            }
        }
        for (String dir : new String[]{"ingress", "egress"}) {
            for (JsonNode rule : spec.path(dir)) {
                for (JsonNode port : rule.path("ports")) {
                    if (port instanceof ObjectNode p) {
                        defaultText(p, "protocol", "TCP");
                    }
                }
            }
        }
    }

    /** Parameters without a scope refer to a cluster-scoped object. */
    public static void ingressClass(ObjectNode obj) {
        JsonNode params = Json.at(obj, "spec", "parameters");
        if (params instanceof ObjectNode p) {
            defaultText(p, "scope", "Cluster");
        }
    }
}
