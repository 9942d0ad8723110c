package io.kube4j.apiserver.validation.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;
import static io.kube4j.apiserver.validation.shared.CommonRules.immutable;

/**
 * scheduling.k8s.io/v1 PriorityClass defaulting and validation (upstream's pkg/apis/scheduling),
 * with upstream's messages: the {@code system-} prefix is reserved for the built-in classes and the
 * value is immutable. Stateless and thread-safe.
 */
public final class SchedulingValidation {
    public static final String SYSTEM_PREFIX = "system-";
    public static final long HIGHEST_USER_PRIORITY = 1_000_000_000L;
    /** The built-in classes: name to value (both have globalDefault false). */
    public static final Map<String, Long> SYSTEM_CLASSES = Map.of(
            "system-node-critical", 2_000_001_000L,
            "system-cluster-critical", 2_000_000_000L);
    private static final List<String> PREEMPTION_POLICIES = List.of("PreemptLowerPriority", "Never");

    private SchedulingValidation() {
    }

    public static void defaults(ObjectNode obj) {
        defaultText(obj, "preemptionPolicy", "PreemptLowerPriority");
    }

    public static List<FieldError> priorityClass(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        String name = obj.path("metadata").path("name").asText("");
        long value = obj.path("value").asLong(0);
        boolean globalDefault = obj.path("globalDefault").asBoolean(false);
        if (name.startsWith(SYSTEM_PREFIX)) {
            String problem = systemClassProblem(name, value, globalDefault);
            if (problem != null) {
                errs.add(FieldError.forbidden(FieldPath.of("metadata", "name"), "priority class names with '"
                        + SYSTEM_PREFIX + "' prefix are reserved for system use only. error: " + problem));
            }
        } else if (value > HIGHEST_USER_PRIORITY) {
            errs.add(FieldError.forbidden(FieldPath.root("value"),
                    "maximum allowed value of a user defined priority is " + HIGHEST_USER_PRIORITY));
        }
        JsonNode pp = obj.get("preemptionPolicy");
        if (pp != null && !pp.isNull() && !PREEMPTION_POLICIES.contains(pp.asText())) {
            errs.add(FieldError.notSupported(FieldPath.root("preemptionPolicy"), pp.asText(), PREEMPTION_POLICIES));
        }
        return errs;
    }

    private static String systemClassProblem(String name, long value, boolean globalDefault) {
        Long want = SYSTEM_CLASSES.get(name);
        if (want == null) {
            return name + " is not a known system priority class";
        }
        if (want != value) {
            return "value of " + name + " PriorityClass must be " + want;
        }
        if (globalDefault) {
            return "globalDefault of " + name + " PriorityClass must be false";
        }
        return null;
    }

    public static List<FieldError> priorityClassUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        if (obj.path("value").asLong(0) != old.path("value").asLong(0)) {
            errs.add(FieldError.forbidden(FieldPath.root("value"), "may not be changed in an update."));
        }
        JsonNode pp = obj.get("preemptionPolicy");
        immutable(errs, pp, old.get("preemptionPolicy"), FieldPath.root("preemptionPolicy"), pp == null ? null : pp.asText());
        return errs;
    }
}
