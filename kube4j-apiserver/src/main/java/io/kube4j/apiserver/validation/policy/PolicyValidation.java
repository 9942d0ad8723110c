package io.kube4j.apiserver.validation.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.validation.shared.GoSyntax;
import io.kube4j.apiserver.validation.shared.IntOrPercent;

import java.util.ArrayList;
import java.util.List;

/**
 * policy/v1 PodDisruptionBudget validation (upstream's pkg/apis/policy/validation), with upstream's
 * messages. Stateless and thread-safe.
 */
public final class PolicyValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final List<String> EVICTION_POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");

    private PolicyValidation() {
    }

    public static List<FieldError> podDisruptionBudget(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode min = spec.get("minAvailable");
        JsonNode max = spec.get("maxUnavailable");
        boolean hasMin = min != null && !min.isNull();
        boolean hasMax = max != null && !max.isNull();
        if (hasMin && hasMax) {
            errs.add(FieldError.invalid(SPEC, new GoSyntax.Rendered("policy.PodDisruptionBudgetSpec{MinAvailable:&"
                    + GoSyntax.intOrString(min) + ", Selector:" + selectorText(spec.get("selector"))
                    + ", MaxUnavailable:&" + GoSyntax.intOrString(max) + "}"),
                    "minAvailable and maxUnavailable cannot be both set"));
        }
        if (hasMin) {
            IntOrPercent.validatePositive(errs, min, SPEC.child("minAvailable"));
            IntOrPercent.notMoreThan100Percent(errs, min, SPEC.child("minAvailable"));
        }
        if (hasMax) {
            IntOrPercent.validatePositive(errs, max, SPEC.child("maxUnavailable"));
            IntOrPercent.notMoreThan100Percent(errs, max, SPEC.child("maxUnavailable"));
        }
        errs.addAll(LabelSelector.validate(spec.get("selector"), SPEC.child("selector")));
        JsonNode policy = spec.get("unhealthyPodEvictionPolicy");
        if (policy != null && !policy.isNull() && !EVICTION_POLICIES.contains(policy.asText())) {
            errs.add(FieldError.notSupported(SPEC.child("unhealthyPodEvictionPolicy"), policy.asText(), EVICTION_POLICIES));
        }
        return errs;
    }

    private static String selectorText(JsonNode sel) {
        return sel == null || sel.isNull() ? "(*v1.LabelSelector)(nil)" : "&" + GoSyntax.labelSelector(sel);
    }
}
