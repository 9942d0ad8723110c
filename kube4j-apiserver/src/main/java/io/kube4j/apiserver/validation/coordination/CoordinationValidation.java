package io.kube4j.apiserver.validation.coordination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * coordination.k8s.io/v1 Lease validation (upstream's pkg/apis/coordination/validation), with
 * upstream's messages. Stateless and thread-safe.
 */
public final class CoordinationValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final List<String> STRATEGIES = List.of("OldestEmulationVersion");

    private CoordinationValidation() {
    }

    public static List<FieldError> lease(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode duration = spec.get("leaseDurationSeconds");
        if (duration != null && !duration.isNull() && duration.asLong() <= 0) {
            errs.add(FieldError.invalid(SPEC.child("leaseDurationSeconds"), duration.asLong(), "must be greater than 0"));
        }
        JsonNode transitions = spec.get("leaseTransitions");
        if (transitions != null && !transitions.isNull() && transitions.asLong() < 0) {
            errs.add(FieldError.invalid(SPEC.child("leaseTransitions"), transitions.asLong(),
                    "must be greater than or equal to 0"));
        }
        JsonNode strategy = spec.get("strategy");
        boolean hasStrategy = strategy != null && !strategy.isNull() && !strategy.asText().isEmpty();
        if (hasStrategy && !STRATEGIES.contains(strategy.asText())) {
            errs.add(FieldError.notSupported(SPEC.child("strategy"), strategy.asText(), STRATEGIES));
        }
        JsonNode preferred = spec.get("preferredHolder");
        if (preferred != null && !preferred.isNull() && !preferred.asText().isEmpty() && !hasStrategy) {
            errs.add(FieldError.forbidden(SPEC.child("preferredHolder"), "may only be specified if `strategy` is defined"));
        }
        return errs;
    }
}
