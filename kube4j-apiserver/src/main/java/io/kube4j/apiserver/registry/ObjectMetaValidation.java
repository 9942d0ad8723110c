package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.ErrorType;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Upstream's ValidateObjectMeta and ValidateObjectMetaUpdate, shared by every resource. */
public final class ObjectMetaValidation {
    private static final FieldPath META = FieldPath.root("metadata");

    private ObjectMetaValidation() {
    }

    public static List<FieldError> validateCreate(ObjectNode meta, ResourceInfo info, Strategy.NameRule rule) {
        List<FieldError> errs = new ArrayList<>();
        String name = Json.text(meta, "name");
        String generateName = Json.text(meta, "generateName");
        if (generateName != null && !generateName.isEmpty()) {
            for (String m : nameErrors(rule, trimTrailingDash(generateName))) {
                errs.add(FieldError.invalid(META.child("generateName"), generateName, m));
            }
        }
        if (name == null || name.isEmpty()) {
            errs.add(FieldError.required(META.child("name"), "name or generateName is required"));
        } else {
            for (String m : nameErrors(rule, name)) {
                errs.add(FieldError.invalid(META.child("name"), name, m));
            }
        }
        String ns = Json.text(meta, "namespace");
        if (info.namespaced()) {
            if (ns == null || ns.isEmpty()) {
                errs.add(FieldError.required(META.child("namespace"), ""));
            } else {
                for (String m : NameRules.isDns1123Label(ns)) {
                    errs.add(FieldError.invalid(META.child("namespace"), ns, m));
                }
            }
        } else if (ns != null && !ns.isEmpty()) {
            errs.add(FieldError.forbidden(META.child("namespace"), "not allowed on this type"));
        }
        errs.addAll(common(meta));
        return errs;
    }

    public static List<FieldError> validateUpdate(ObjectNode meta, ObjectNode old, ResourceInfo info) {
        List<FieldError> errs = new ArrayList<>(common(meta));
        immutable(errs, meta, old, "name");
        immutable(errs, meta, old, "namespace");
        immutable(errs, meta, old, "uid");
        immutable(errs, meta, old, "creationTimestamp");
        JsonNode oldFin = old.get("finalizers");
        JsonNode newFin = meta.get("finalizers");
        if (old.has("deletionTimestamp") && newFin != null && newFin.isArray()) {
            for (JsonNode f : newFin) {
                boolean existed = false;
                if (oldFin != null) {
                    for (JsonNode o : oldFin) {
                        existed |= o.asText().equals(f.asText());
                    }
                }
                if (!existed) {
                    errs.add(FieldError.forbidden(META.child("finalizers"),
                            "no new finalizers can be added if the object is being deleted, found new finalizers [\""
                                    + f.asText() + "\"]"));
                    break;
                }
            }
        }
        return errs;
    }

    private static void immutable(List<FieldError> errs, ObjectNode meta, ObjectNode old, String field) {
        if (!Objects.equals(Json.text(meta, field), Json.text(old, field))) {
            errs.add(new FieldError(ErrorType.INVALID, META.child(field).toString(),
                    Json.text(meta, field) == null ? "" : Json.text(meta, field), "field is immutable"));
        }
    }

    private static List<FieldError> common(ObjectNode meta) {
        List<FieldError> errs = new ArrayList<>();
        errs.addAll(NameRules.validateLabels(meta.get("labels"), META.child("labels")));
        errs.addAll(NameRules.validateAnnotations(meta.get("annotations"), META.child("annotations")));
        JsonNode fin = meta.get("finalizers");
        if (fin != null && fin.isArray()) {
            int i = 0;
            for (JsonNode f : fin) {
                errs.addAll(NameRules.validateQualifiedName(f.asText(), META.child("finalizers").index(i++)));
            }
        }
        JsonNode owners = meta.get("ownerReferences");
        if (owners != null && owners.isArray()) {
            int i = 0;
            int controllers = 0;
            for (JsonNode o : owners) {
                FieldPath p = META.child("ownerReferences").index(i++);
                if (o.path("apiVersion").asText().isEmpty()) {
                    errs.add(FieldError.invalid(p.child("apiVersion"), o.path("apiVersion").asText(), "version must not be empty"));
                }
                if (o.path("kind").asText().isEmpty()) {
                    errs.add(FieldError.invalid(p.child("kind"), o.path("kind").asText(), "kind must not be empty"));
                }
                if (o.path("name").asText().isEmpty()) {
                    errs.add(FieldError.invalid(p.child("name"), o.path("name").asText(), "name must not be empty"));
                }
                if (o.path("uid").asText().isEmpty()) {
                    errs.add(FieldError.invalid(p.child("uid"), o.path("uid").asText(), "uid must not be empty"));
                }
                if (o.path("controller").asBoolean(false)) {
                    controllers++;
                }
            }
            if (controllers > 1) {
                errs.add(FieldError.invalid(META.child("ownerReferences"), owners,
                        "Only one reference can have Controller set to true"));
            }
        }
        return errs;
    }

    private static String trimTrailingDash(String s) {
        return s.endsWith("-") ? s.substring(0, s.length() - 1) : s;
    }

    static List<String> nameErrors(Strategy.NameRule rule, String name) {
        List<String> path = NameRules.isValidPathSegmentName(name);
        if (!path.isEmpty()) {
            return path;
        }
        return switch (rule) {
            case DNS1123_SUBDOMAIN -> NameRules.isDns1123Subdomain(name);
            case DNS1123_LABEL -> NameRules.isDns1123Label(name);
            case DNS1035_LABEL -> NameRules.isDns1035Label(name);
            case PATH_SEGMENT -> List.of();
        };
    }
}
