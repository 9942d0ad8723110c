package io.kube4j.apiserver.validation.podtemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The pod-template rules the workload resources (Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * Job, CronJob) share. {@link #defaultSpec} and {@link #validateSpec} are the single call sites for
 * pod-spec defaulting and validation: for now they apply a minimal, real subset of upstream's
 * core/v1 rules (restart policy and container basics); the full rules live in the core pod-spec
 * validation and are meant to be delegated to from here. Stateless and thread-safe.
 */
public final class PodTemplateRules {
    private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");

    private PodTemplateRules() {
    }

    /**
     * Fills pod-spec defaults of a template's {@code spec} (upstream's SetDefaults_PodSpec and
     * SetDefaults_Container subset). {@code template} is a PodTemplateSpec; missing parts are created.
     */
    public static void defaultSpec(ObjectNode template) {
        ObjectNode spec = Json.with(template, "spec");
        putIfAbsent(spec, "restartPolicy", "Always");
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        if (!spec.hasNonNull("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        if (!spec.hasNonNull("securityContext")) {
            spec.putObject("securityContext");
        }
        for (String list : List.of("initContainers", "containers")) {
            JsonNode cs = spec.get(list);
            if (cs instanceof ArrayNode arr) {
                for (JsonNode c : arr) {
                    if (c instanceof ObjectNode co) {
                        defaultContainer(co);
                    }
                }
            }
        }
    }

    private static void defaultContainer(ObjectNode c) {
        putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(c, "terminationMessagePolicy", "File");
        if (!c.hasNonNull("imagePullPolicy")) {
            String image = Json.text(c, "image");
            c.put("imagePullPolicy", image == null || pullsAlways(image) ? "Always" : "IfNotPresent");
        }
        if (!c.hasNonNull("resources")) {
            c.putObject("resources");
        }
        if (c.get("ports") instanceof ArrayNode ports) {
            for (JsonNode p : ports) {
                if (p instanceof ObjectNode po) {
                    putIfAbsent(po, "protocol", "TCP");
                }
            }
        }
    }

    /** An image without a tag, or tagged latest, is pulled every time (digests are pinned). */
    private static boolean pullsAlways(String image) {
        if (image.contains("@")) {
            return false;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon <= slash) {
            return true;
        }
        return image.substring(colon + 1).equals("latest");
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field) || o.get(field).asText().isEmpty()) {
            o.put(field, value);
        }
    }

    /**
     * Validates a template's pod spec. {@code spec} is {@code template.spec} (may be null) and
     * {@code path} its field path, e.g. {@code spec.template.spec}.
     */
    public static List<FieldError> validateSpec(JsonNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode containers = spec == null ? null : spec.get("containers");
        if (containers == null || !containers.isArray() || containers.isEmpty()) {
            errs.add(FieldError.required(path.child("containers"), ""));
        } else {
            Set<String> names = new HashSet<>();
            int i = 0;
            for (JsonNode c : containers) {
                FieldPath cp = path.child("containers").index(i++);
                String name = c.path("name").asText("");
                if (name.isEmpty()) {
                    errs.add(FieldError.required(cp.child("name"), ""));
                } else {
                    for (String m : NameRules.isDns1123Label(name)) {
                        errs.add(FieldError.invalid(cp.child("name"), name, m));
                    }
                    if (!names.add(name)) {
                        errs.add(FieldError.duplicate(cp.child("name"), name));
                    }
                }
                if (c.path("image").asText("").isEmpty()) {
                    errs.add(FieldError.required(cp.child("image"), ""));
                }
            }
        }
        String restart = spec == null ? "" : spec.path("restartPolicy").asText("");
        if (restart.isEmpty()) {
            errs.add(FieldError.required(path.child("restartPolicy"), ""));
        } else if (!RESTART_POLICIES.contains(restart)) {
            errs.add(FieldError.notSupported(path.child("restartPolicy"), restart, RESTART_POLICIES));
        }
        return errs;
    }

    /**
     * Upstream's ValidatePodTemplateSpec metadata part: the template's labels and annotations,
     * reported at {@code <template>.labels} and {@code <template>.annotations} as upstream does.
     */
    public static List<FieldError> validateTemplateMetadata(JsonNode template, FieldPath templatePath) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode meta = template == null ? null : template.get("metadata");
        if (meta != null) {
            errs.addAll(NameRules.validateLabels(meta.get("labels"), templatePath.child("labels")));
            errs.addAll(NameRules.validateAnnotations(meta.get("annotations"), templatePath.child("annotations")));
        }
        return errs;
    }

    /** The template's {@code spec.restartPolicy}, or "" when unset. */
    public static String restartPolicy(JsonNode template) {
        JsonNode v = Json.at(template, "spec", "restartPolicy");
        return v == null ? "" : v.asText();
    }
}
