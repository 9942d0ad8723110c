package io.kube4j.apiserver.validation.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;
import io.kube4j.apiserver.validation.shared.GoSyntax;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;

/**
 * apiextensions.k8s.io/v1 CustomResourceDefinition defaulting and validation (a subset of
 * upstream's apiextensions validation: names, group, scope, versions and stored versions; OpenAPI
 * schemas are only required, not checked for structure). Stateless and thread-safe.
 */
public final class CrdValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final GoSyntax.Rendered VERSIONS = new GoSyntax.Rendered("[]apiextensions.CustomResourceDefinitionVersion{...}");

    private CrdValidation() {
    }

    public static void defaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        ObjectNode names = Json.with(spec, "names");
        String kind = names.path("kind").asText("");
        defaultText(names, "singular", kind.toLowerCase());
        if (!kind.isEmpty()) {
            defaultText(names, "listKind", kind + "List");
        }
        if (!spec.hasNonNull("conversion")) {
            spec.putObject("conversion").put("strategy", "None");
        }
    }

    /** The name of the version marked {@code storage: true}, or null. */
    public static String storageVersion(JsonNode crd) {
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                return v.path("name").asText();
            }
        }
        return null;
    }

    /** Adds the current storage version to {@code status.storedVersions} when it is not there yet. */
    public static void recordStoredVersion(ObjectNode crd) {
        String storage = storageVersion(crd);
        if (storage == null) {
            return;
        }
        ObjectNode status = Json.with(crd, "status");
        ArrayNode stored = status.get("storedVersions") instanceof ArrayNode a ? a : status.putArray("storedVersions");
        for (JsonNode s : stored) {
            if (s.asText().equals(storage)) {
                return;
            }
        }
        stored.add(storage);
    }

    public static List<FieldError> crd(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        JsonNode names = spec.path("names");
        String group = spec.path("group").asText("");
        String plural = names.path("plural").asText("");
        String name = obj.path("metadata").path("name").asText("");
        if (!name.isEmpty() && !name.equals(plural + "." + group)) {
            errs.add(FieldError.invalid(FieldPath.of("metadata", "name"), name, "must be spec.names.plural+\".\"+spec.group"));
        }
        FieldPath gp = SPEC.child("group");
        if (group.isEmpty()) {
            errs.add(FieldError.required(gp, ""));
        } else if (!NameRules.isDns1123Subdomain(group).isEmpty()) {
            errs.add(FieldError.invalid(gp, group, String.join(",", NameRules.isDns1123Subdomain(group))));
        } else if (!group.contains(".")) {
            errs.add(FieldError.invalid(gp, group, "should be a domain with at least one dot"));
        }
        String scope = spec.path("scope").asText("");
        if (scope.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("scope"), ""));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            errs.add(FieldError.notSupported(SPEC.child("scope"), scope, List.of("Cluster", "Namespaced")));
        }
        int storageCount = 0;
        Set<String> seen = new HashSet<>();
        boolean unique = true;
        int i = 0;
        for (JsonNode v : spec.path("versions")) {
            FieldPath vp = SPEC.child("versions").index(i++);
            String vn = v.path("name").asText("");
            if (v.path("storage").asBoolean(false)) {
                storageCount++;
            }
            unique &= seen.add(vn);
            List<String> dns = NameRules.isDns1035Label(vn);
            if (!dns.isEmpty()) {
                errs.add(FieldError.invalid(vp.child("name"), vn, String.join(",", dns)));
            }
            if (Json.at(v, "schema", "openAPIV3Schema") == null) {
                errs.add(FieldError.required(vp.child("schema").child("openAPIV3Schema"), "schemas are required"));
            }
        }
        if (!unique) {
            errs.add(FieldError.invalid(SPEC.child("versions"), VERSIONS, "must contain unique version names"));
        }
        if (storageCount != 1) {
            errs.add(FieldError.invalid(SPEC.child("versions"), VERSIONS, "must have exactly one version marked as storage version"));
        }
        FieldPath np = SPEC.child("names");
        for (String f : List.of("plural", "singular", "kind", "listKind")) {
            if (names.path(f).asText("").isEmpty()) {
                errs.add(FieldError.required(np.child(f), ""));
            }
        }
        dns1035(errs, plural, np.child("plural"), "");
        dns1035(errs, names.path("singular").asText(""), np.child("singular"), "");
        String kind = names.path("kind").asText("");
        String listKind = names.path("listKind").asText("");
        dns1035Mixed(errs, kind, np.child("kind"));
        dns1035Mixed(errs, listKind, np.child("listKind"));
        int s = 0;
        for (JsonNode sn : names.path("shortNames")) {
            dns1035(errs, sn.asText(), np.child("shortNames").index(s++), "");
        }
        if (!kind.isEmpty() && kind.equals(listKind)) {
            errs.add(FieldError.invalid(np.child("listKind"), listKind, "kind and listKind may not be the same"));
        }
        int c = 0;
        for (JsonNode cat : names.path("categories")) {
            dns1035(errs, cat.asText(), np.child("categories").index(c++), "");
        }
        errs.addAll(storedVersions(obj));
        return errs;
    }

    private static void dns1035(List<FieldError> errs, String v, FieldPath p, String prefix) {
        if (v.isEmpty()) {
            return;
        }
        List<String> msgs = NameRules.isDns1035Label(v);
        if (!msgs.isEmpty()) {
            errs.add(FieldError.invalid(p, v, prefix + String.join(",", msgs)));
        }
    }

    private static void dns1035Mixed(List<FieldError> errs, String v, FieldPath p) {
        if (v.isEmpty()) {
            return;
        }
        List<String> msgs = NameRules.isDns1035Label(v.toLowerCase());
        if (!msgs.isEmpty()) {
            errs.add(FieldError.invalid(p, v, "may have mixed case, but should otherwise match: " + String.join(",", msgs)));
        }
    }

    private static List<FieldError> storedVersions(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath sp = FieldPath.of("status", "storedVersions");
        JsonNode stored = Json.at(obj, "status", "storedVersions");
        if (stored == null || stored.isEmpty()) {
            errs.add(FieldError.invalid(sp, GoSyntax.stringSlice("string", stored), "must have at least one stored version"));
            return errs;
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode s : stored) {
            index.put(s.asText(), i++);
        }
        for (JsonNode v : obj.path("spec").path("versions")) {
            String vn = v.path("name").asText("");
            if (v.path("storage").asBoolean(false) && !index.containsKey(vn)) {
                errs.add(FieldError.invalid(sp, vn, "must have the storage version " + vn));
            }
            index.remove(vn);
        }
        index.forEach((v, at) -> errs.add(FieldError.invalid(sp.index(at), v, "must appear in spec.versions")));
        return errs;
    }

    public static List<FieldError> crdUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = crd(obj);
        boolean established = false;
        for (JsonNode c : old.path("status").path("conditions")) {
            established |= c.path("type").asText().equals("Established") && c.path("status").asText().equals("True");
        }
        String scope = obj.path("spec").path("scope").asText("");
        if (established && !scope.equals(old.path("spec").path("scope").asText(""))) {
            errs.add(FieldError.invalid(SPEC.child("scope"), scope, "field is immutable"));
        }
        return errs;
    }
}
