package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apiserver.validation.core.Quantity;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's pod QoS class from the cpu and memory requests and limits of all containers:
 * BestEffort, Burstable or Guaranteed. A pure function; thread-safe.
 */
public final class PodQos {
    private static final Set<String> COMPUTE = Set.of("cpu", "memory");

    private PodQos() {
    }

    public static String compute(JsonNode spec) {
        Map<String, BigDecimal> requests = new HashMap<>();
        Map<String, BigDecimal> limits = new HashMap<>();
        boolean guaranteed = true;
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : spec.path(list)) {
                JsonNode res = c.path("resources");
                sum(res.path("requests"), requests, null);
                Set<String> limitsFound = new HashSet<>();
                sum(res.path("limits"), limits, limitsFound);
                if (!limitsFound.containsAll(COMPUTE)) {
                    guaranteed = false;
                }
            }
        }
        if (requests.isEmpty() && limits.isEmpty()) {
            return "BestEffort";
        }
        if (guaranteed) {
            for (var e : requests.entrySet()) {
                BigDecimal lim = limits.get(e.getKey());
                if (lim == null || lim.compareTo(e.getValue()) != 0) {
                    guaranteed = false;
                    break;
                }
            }
        }
        return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
    }

    private static void sum(JsonNode list, Map<String, BigDecimal> into, Set<String> found) {
        list.fields().forEachRemaining(e -> {
            if (!COMPUTE.contains(e.getKey())) {
                return;
            }
            BigDecimal q = Quantity.parse(e.getValue());
            if (q != null && q.signum() > 0) {
                into.merge(e.getKey(), q, BigDecimal::add);
                if (found != null) {
                    found.add(e.getKey());
                }
            }
        });
    }
}
