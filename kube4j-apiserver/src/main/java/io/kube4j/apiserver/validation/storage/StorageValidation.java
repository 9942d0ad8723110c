package io.kube4j.apiserver.validation.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;
import static io.kube4j.apiserver.validation.shared.CommonRules.immutable;
import static io.kube4j.apiserver.validation.shared.CommonRules.same;

/**
 * storage.k8s.io/v1 StorageClass defaulting and validation (upstream's pkg/apis/storage), with
 * upstream's messages. Stateless and thread-safe.
 */
public final class StorageValidation {
    private static final int MAX_PARAMETERS = 512;
    private static final int MAX_PARAMETERS_SIZE = 256 * 1024;
    private static final List<String> RECLAIM_POLICIES = List.of("Delete", "Retain");
    private static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");

    private StorageValidation() {
    }

    public static void defaultStorageClass(ObjectNode obj) {
        defaultText(obj, "reclaimPolicy", "Delete");
        defaultText(obj, "volumeBindingMode", "Immediate");
    }

    public static List<FieldError> storageClass(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        String provisioner = obj.path("provisioner").asText("");
        FieldPath pp = FieldPath.root("provisioner");
        if (provisioner.isEmpty()) {
            errs.add(FieldError.required(pp, ""));
        } else {
            errs.addAll(NameRules.validateQualifiedName(provisioner.toLowerCase(), pp));
        }
        JsonNode params = obj.get("parameters");
        FieldPath parp = FieldPath.root("parameters");
        if (params != null && params.isObject()) {
            if (params.size() > MAX_PARAMETERS) {
                errs.add(FieldError.tooLong(parp, "Provisioner Parameters exceeded max allowed", MAX_PARAMETERS));
            } else {
                long total = 0;
                var it = params.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    if (e.getKey().isEmpty()) {
                        errs.add(FieldError.invalid(parp, e.getKey(), "field can not be empty."));
                    }
                    total += e.getKey().length() + e.getValue().asText().length();
                }
                if (total > MAX_PARAMETERS_SIZE) {
                    errs.add(FieldError.tooLong(parp, "", MAX_PARAMETERS_SIZE));
                }
            }
        }
        String reclaim = obj.path("reclaimPolicy").asText("");
        if (!reclaim.isEmpty() && !RECLAIM_POLICIES.contains(reclaim)) {
            errs.add(FieldError.notSupported(FieldPath.root("reclaimPolicy"), reclaim, RECLAIM_POLICIES));
        }
        JsonNode mode = obj.get("volumeBindingMode");
        if (mode == null || mode.isNull()) {
            errs.add(FieldError.required(FieldPath.root("volumeBindingMode"), ""));
        } else if (!BINDING_MODES.contains(mode.asText())) {
            errs.add(FieldError.notSupported(FieldPath.root("volumeBindingMode"), mode.asText(), BINDING_MODES));
        }
        return errs;
    }

    public static List<FieldError> storageClassUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        if (!same(emptyAsNull(obj.get("parameters")), emptyAsNull(old.get("parameters")))) {
            errs.add(FieldError.forbidden(FieldPath.root("parameters"), "updates to parameters are forbidden."));
        }
        if (!obj.path("provisioner").asText("").equals(old.path("provisioner").asText(""))) {
            errs.add(FieldError.forbidden(FieldPath.root("provisioner"), "updates to provisioner are forbidden."));
        }
        if (!obj.path("reclaimPolicy").asText("").equals(old.path("reclaimPolicy").asText(""))) {
            errs.add(FieldError.forbidden(FieldPath.root("reclaimPolicy"), "updates to reclaimPolicy are forbidden."));
        }
        JsonNode mode = obj.get("volumeBindingMode");
        immutable(errs, mode, old.get("volumeBindingMode"), FieldPath.root("volumeBindingMode"),
                mode == null ? null : mode.asText());
        return errs;
    }

    private static JsonNode emptyAsNull(JsonNode n) {
        return n == null || n.isNull() || (n.isObject() && n.isEmpty()) ? null : n;
    }
}
