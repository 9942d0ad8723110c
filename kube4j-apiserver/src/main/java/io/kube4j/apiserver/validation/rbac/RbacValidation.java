package io.kube4j.apiserver.validation.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;
import io.kube4j.apiserver.validation.shared.GoSyntax;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;
import static io.kube4j.apiserver.validation.shared.CommonRules.same;

/**
 * rbac.authorization.k8s.io/v1 defaulting and validation (upstream's pkg/apis/rbac/v1/defaults.go
 * and pkg/apis/rbac/validation) for Roles, ClusterRoles and their bindings, with upstream's
 * messages. Stateless and thread-safe.
 */
public final class RbacValidation {
    public static final String GROUP = "rbac.authorization.k8s.io";

    private RbacValidation() {
    }

    /** A binding's roleRef and its User/Group subjects default to the RBAC API group. */
    public static void defaultBinding(ObjectNode obj) {
        defaultText(Json.with(obj, "roleRef"), "apiGroup", GROUP);
        for (JsonNode s : obj.path("subjects")) {
            if (s instanceof ObjectNode so) {
                String kind = so.path("kind").asText("");
                if (kind.equals("User") || kind.equals("Group")) {
                    defaultText(so, "apiGroup", GROUP);
                }
            }
        }
    }

    public static List<FieldError> role(ObjectNode obj, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode rule : obj.path("rules")) {
            policyRule(errs, rule, namespaced, FieldPath.root("rules").index(i++));
        }
        JsonNode agg = obj.get("aggregationRule");
        if (!namespaced && agg != null && !agg.isNull()) {
            FieldPath ap = FieldPath.root("aggregationRule").child("clusterRoleSelectors");
            JsonNode selectors = agg.path("clusterRoleSelectors");
            if (selectors.isEmpty()) {
                errs.add(FieldError.required(ap, "at least one clusterRoleSelector required if aggregationRule is non-nil"));
            }
            int j = 0;
            for (JsonNode s : selectors) {
                errs.addAll(LabelSelector.validate(s, ap.index(j++)));
            }
        }
        return errs;
    }

    private static void policyRule(List<FieldError> errs, JsonNode rule, boolean namespaced, FieldPath path) {
        if (rule.path("verbs").isEmpty()) {
            errs.add(FieldError.required(path.child("verbs"), "verbs must contain at least one value"));
        }
        JsonNode urls = rule.get("nonResourceURLs");
        if (urls != null && urls.isArray() && !urls.isEmpty()) {
            GoSyntax.Rendered rendered = GoSyntax.stringSlice("string", urls);
            if (namespaced) {
                errs.add(FieldError.invalid(path.child("nonResourceURLs"), rendered,
                        "namespaced rules cannot apply to non-resource URLs"));
            }
            if (!rule.path("apiGroups").isEmpty() || !rule.path("resources").isEmpty()
                    || !rule.path("resourceNames").isEmpty()) {
                errs.add(FieldError.invalid(path.child("nonResourceURLs"), rendered,
                        "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return;
        }
        if (rule.path("apiGroups").isEmpty()) {
            errs.add(FieldError.required(path.child("apiGroups"), "resource rules must supply at least one api group"));
        }
        if (rule.path("resources").isEmpty()) {
            errs.add(FieldError.required(path.child("resources"), "resource rules must supply at least one resource"));
        }
    }

    public static List<FieldError> binding(ObjectNode obj, boolean namespaced) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode ref = obj.path("roleRef");
        String kind = ref.path("kind").asText("");
        FieldPath rp = FieldPath.root("roleRef");
        List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
        if (!kinds.contains(kind)) {
            errs.add(FieldError.notSupported(rp.child("kind"), kind, kinds));
        }
        String group = ref.path("apiGroup").asText("");
        if (!group.equals(GROUP)) {
            errs.add(FieldError.notSupported(rp.child("apiGroup"), group, List.of(GROUP)));
        }
        String name = ref.path("name").asText("");
        if (name.isEmpty()) {
            errs.add(FieldError.required(rp.child("name"), ""));
        } else {
            for (String m : NameRules.isValidPathSegmentName(name)) {
                errs.add(FieldError.invalid(rp.child("name"), name, m));
            }
        }
        int i = 0;
        for (JsonNode s : obj.path("subjects")) {
            subject(errs, s, namespaced, FieldPath.root("subjects").index(i++));
        }
        return errs;
    }

    private static void subject(List<FieldError> errs, JsonNode s, boolean namespaced, FieldPath path) {
        String name = s.path("name").asText("");
        String group = s.path("apiGroup").asText("");
        if (name.isEmpty()) {
            errs.add(FieldError.required(path.child("name"), ""));
        }
        switch (s.path("kind").asText("")) {
            case "ServiceAccount" -> {
                if (!name.isEmpty()) {
                    for (String m : NameRules.isDns1123Subdomain(name)) {
                        errs.add(FieldError.invalid(path.child("name"), name, m));
                    }
                }
                if (!group.isEmpty()) {
                    errs.add(FieldError.notSupported(path.child("apiGroup"), group, List.of("")));
                }
                if (!namespaced && s.path("namespace").asText("").isEmpty()) {
                    errs.add(FieldError.required(path.child("namespace"), ""));
                }
            }
            case "User", "Group" -> {
                if (!group.equals(GROUP)) {
                    errs.add(FieldError.notSupported(path.child("apiGroup"), group, List.of(GROUP)));
                }
            }
            default -> errs.add(FieldError.notSupported(path.child("kind"), s.path("kind").asText(""),
                    List.of("ServiceAccount", "User", "Group")));
        }
    }

    public static List<FieldError> bindingUpdate(ObjectNode obj, ObjectNode old, boolean namespaced) {
        List<FieldError> errs = binding(obj, namespaced);
        JsonNode ref = obj.path("roleRef");
        if (!same(ref, old.path("roleRef"))) {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("APIGroup", ref.path("apiGroup").asText(""));
            fields.put("Kind", ref.path("kind").asText(""));
            fields.put("Name", ref.path("name").asText(""));
            errs.add(FieldError.invalid(FieldPath.root("roleRef"), GoSyntax.struct("rbac.RoleRef", fields),
                    "cannot change roleRef"));
        }
        return errs;
    }
}
