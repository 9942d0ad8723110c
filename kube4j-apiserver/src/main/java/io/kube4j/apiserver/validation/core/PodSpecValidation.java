package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Upstream's validation of a pod spec (ValidatePodSpec and its helpers in
 * pkg/apis/core/validation), on JSON trees, with upstream's messages. Callers: the pod, pod
 * template and replication controller strategies, and the apps/batch strategies for their pod
 * templates. Fields upstream validates that kube4j does not use (Windows options, device
 * volumes, resource claims) are only checked lightly. Stateless; never throws.
 */
public final class PodSpecValidation {
    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> DNS_POLICIES = List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> TERMINATION_MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    private static final List<String> ENV_FIELD_PATHS = List.of("metadata.name", "metadata.namespace", "metadata.uid",
            "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs");
    private static final Set<String> CONVERTIBLE_FIELD_LABELS = Set.of("metadata.annotations", "metadata.labels",
            "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.restartPolicy",
            "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP", "status.hostIPs",
            "status.podIP", "status.podIPs", "spec.host");
    private static final List<String> VOLUME_FIELD_PATHS = List.of("metadata.annotations", "metadata.labels",
            "metadata.name", "metadata.namespace", "metadata.uid");
    private static final List<String> RESOURCE_FIELD_PATHS = List.of("limits.cpu", "limits.ephemeral-storage",
            "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory");
    private static final String FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";
    private static final long MAX_INT32 = Integer.MAX_VALUE;
    private static final long MAX_ID = 0xffffffffL;

    /** Upstream's list of the spec fields a pod update may change, as its message prints them. */
    public static final String UPDATABLE_FIELDS = "`spec.containers[*].image`,`spec.initContainers[*].image`,"
            + "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
            + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    private PodSpecValidation() {
    }

    // ------------------------------------------------------------------ entry points

    /** ValidatePodTemplateSpec: labels, annotations and spec of a template at {@code path}. */
    public static List<FieldError> validatePodTemplateSpec(JsonNode template, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode meta = template == null ? null : template.get("metadata");
        errs.addAll(NameRules.validateLabels(meta == null ? null : meta.get("labels"), path.child("labels")));
        errs.addAll(NameRules.validateAnnotations(meta == null ? null : meta.get("annotations"), path.child("annotations")));
        JsonNode spec = template == null ? null : template.get("spec");
        errs.addAll(validatePodSpec(spec == null ? Json.object() : spec, path.child("spec")));
        if (spec != null && spec.path("ephemeralContainers").size() > 0) {
            errs.add(FieldError.forbidden(path.child("spec").child("ephemeralContainers"),
                    "ephemeral containers not allowed in pod template"));
        }
        return errs;
    }

    /**
     * ValidatePodSpec for a spec embedded in another resource, at {@code path} (usually
     * {@code spec.template.spec}).
     */
    public static List<FieldError> validatePodSpec(JsonNode spec, FieldPath path) {
        return validatePodSpec(spec, path, false);
    }

    /**
     * The spec checks upstream applies to a Pod (validatePodMetadataAndSpec without metadata):
     * ValidatePodSpec with host ports that must equal container ports on the host network, and
     * images without surrounding spaces. Used on create and update.
     */
    public static List<FieldError> validatePod(JsonNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>(validatePodSpec(spec, path, true));
        for (String list : List.of("containers", "initContainers")) {
            int i = 0;
            for (JsonNode c : spec.path(list)) {
                String image = text(c, "image");
                if (!image.equals(image.strip())) {
                    errs.add(FieldError.invalid(path.child(list).index(i).child("image"), image,
                            "must not have leading or trailing whitespace"));
                }
                i++;
            }
        }
        return errs;
    }

    private static List<FieldError> validatePodSpec(JsonNode spec, FieldPath path, boolean isPod) {
        List<FieldError> errs = new ArrayList<>();
        if (!spec.hasNonNull("terminationGracePeriodSeconds")) {
            errs.add(FieldError.required(path.child("terminationGracePeriodSeconds"), ""));
        }
        Long grace = spec.hasNonNull("terminationGracePeriodSeconds") ? spec.get("terminationGracePeriodSeconds").asLong() : null;
        Map<String, JsonNode> volumes = new HashMap<>();
        errs.addAll(validateVolumes(spec.path("volumes"), path.child("volumes"), volumes));
        errs.addAll(validateContainers(spec.path("containers"), volumes, grace, path.child("containers")));
        errs.addAll(validateInitContainers(spec.path("initContainers"), spec.path("containers"), volumes, grace,
                path.child("initContainers")));
        errs.addAll(validateHostNetworkPorts(spec, path, isPod));
        errs.addAll(oneOf(text(spec, "restartPolicy"), path.child("restartPolicy"), RESTART_POLICIES));
        errs.addAll(oneOf(text(spec, "dnsPolicy"), path.child("dnsPolicy"), DNS_POLICIES));
        errs.addAll(NameRules.validateLabels(spec.get("nodeSelector"), path.child("nodeSelector")));
        errs.addAll(validatePodSecurityContext(spec.get("securityContext"), path.child("securityContext")));
        errs.addAll(validateImagePullSecrets(spec.path("imagePullSecrets"), path.child("imagePullSecrets")));
        errs.addAll(validateAffinity(spec.get("affinity"), path.child("affinity")));
        errs.addAll(validateDnsConfig(spec.get("dnsConfig"), text(spec, "dnsPolicy"), path.child("dnsConfig")));
        int i = 0;
        for (JsonNode gate : spec.path("readinessGates")) {
            errs.addAll(NameRules.validateQualifiedName(gate.path("conditionType").asText(),
                    path.child("readinessGates").index(i++).child("conditionType")));
        }
        errs.addAll(validateSchedulingGates(spec.path("schedulingGates"), path.child("schedulingGates")));
        errs.addAll(validateTopologySpread(spec.path("topologySpreadConstraints"), path.child("topologySpreadConstraints")));
        String sa = text(spec, "serviceAccountName");
        if (!sa.isEmpty()) {
            for (String m : NameRules.isDns1123Subdomain(sa)) {
                errs.add(FieldError.invalid(path.child("serviceAccountName"), sa, m));
            }
        }
        String node = text(spec, "nodeName");
        if (!node.isEmpty()) {
            for (String m : NameRules.isDns1123Subdomain(node)) {
                errs.add(FieldError.invalid(path.child("nodeName"), node, m));
            }
        }
        if (spec.hasNonNull("activeDeadlineSeconds")) {
            long v = spec.get("activeDeadlineSeconds").asLong();
            if (v < 1 || v > MAX_INT32) {
                errs.add(FieldError.invalid(path.child("activeDeadlineSeconds"), v, ValueFormats.inclusiveRange(1, MAX_INT32)));
            }
        }
        for (String f : List.of("hostname", "subdomain")) {
            String v = text(spec, f);
            if (!v.isEmpty()) {
                for (String m : NameRules.isDns1123Label(v)) {
                    errs.add(FieldError.invalid(path.child(f), v, m));
                }
            }
        }
        errs.addAll(validateTolerations(spec.path("tolerations"), path.child("tolerations")));
        i = 0;
        for (JsonNode alias : spec.path("hostAliases")) {
            FieldPath p = path.child("hostAliases").index(i++);
            String ip = alias.path("ip").asText();
            if (!ValueFormats.isIp(ip)) {
                errs.add(FieldError.invalid(p.child("ip"), ip, ValueFormats.INVALID_IP));
            }
            int j = 0;
            for (JsonNode h : alias.path("hostnames")) {
                for (String m : NameRules.isDns1123Subdomain(h.asText())) {
                    errs.add(FieldError.invalid(p.child("hostnames").index(j), h.asText(), m));
                }
                j++;
            }
        }
        String pc = text(spec, "priorityClassName");
        if (!pc.isEmpty()) {
            for (String m : NameRules.isDns1123Subdomain(pc)) {
                errs.add(FieldError.invalid(path.child("priorityClassName"), pc, m));
            }
        }
        if (spec.hasNonNull("preemptionPolicy")) {
            errs.addAll(oneOf(text(spec, "preemptionPolicy"), path.child("preemptionPolicy"),
                    List.of("PreemptLowerPriority", "Never")));
        }
        JsonNode os = spec.get("os");
        if (os != null && os.isObject()) {
            String name = text(os, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(path.child("os").child("name"), "cannot be empty"));
            } else if (!name.equals("linux") && !name.equals("windows")) {
                errs.add(FieldError.notSupported(path.child("os"), name, List.of("linux", "windows")));
            }
        }
        return errs;
    }

    /**
     * ValidatePodCreate's spec checks: {@link #validatePod}, no ephemeral containers, and no node
     * name while scheduling gates remain.
     */
    public static List<FieldError> validatePodCreate(JsonNode spec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>(validatePod(spec, path));
        if (spec.path("ephemeralContainers").size() > 0) {
            errs.add(FieldError.forbidden(path.child("ephemeralContainers"), "cannot be set on create"));
        }
        if (!text(spec, "nodeName").isEmpty() && spec.path("schedulingGates").size() > 0) {
            errs.add(FieldError.forbidden(path.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
        }
        return errs;
    }

    /**
     * ValidatePodUpdate's spec rules: only images, activeDeadlineSeconds (shortened), tolerations
     * (added), scheduling gates (removed) and a negative grace period (set to 1) may change.
     */
    public static List<FieldError> validatePodUpdate(JsonNode spec, JsonNode oldSpec, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (String list : List.of("containers", "initContainers")) {
            JsonNode now = spec.path(list);
            JsonNode before = oldSpec.path(list);
            if (now.size() != before.size()) {
                errs.add(FieldError.forbidden(path.child(list), "pod updates may not add or remove containers"));
                return errs;
            }
            for (int i = 0; i < now.size(); i++) {
                String image = text(now.get(i), "image");
                if (image.isEmpty()) {
                    errs.add(FieldError.required(path.child(list).index(i).child("image"), ""));
                }
                if (!image.equals(image.strip())) {
                    errs.add(FieldError.invalid(path.child(list).index(i).child("image"), image,
                            "must not have leading or trailing whitespace"));
                }
            }
        }
        FieldPath ads = path.child("activeDeadlineSeconds");
        if (spec.hasNonNull("activeDeadlineSeconds")) {
            long v = spec.get("activeDeadlineSeconds").asLong();
            if (v < 0 || v > MAX_INT32) {
                errs.add(FieldError.invalid(ads, v, ValueFormats.inclusiveRange(0, MAX_INT32)));
                return errs;
            }
            if (oldSpec.hasNonNull("activeDeadlineSeconds") && oldSpec.get("activeDeadlineSeconds").asLong() < v) {
                errs.add(FieldError.invalid(ads, v, "must be less than or equal to previous value"));
                return errs;
            }
        } else if (oldSpec.hasNonNull("activeDeadlineSeconds")) {
            errs.add(FieldError.invalid(ads, new GoLiteral("(*int64)(nil)"), "must not update from a positive integer to nil value"));
        }
        for (JsonNode old : oldSpec.path("tolerations")) {
            boolean found = false;
            for (JsonNode t : spec.path("tolerations")) {
                ObjectNode a = ((ObjectNode) old.deepCopy());
                ObjectNode b = ((ObjectNode) t.deepCopy());
                a.remove("tolerationSeconds");
                b.remove("tolerationSeconds");
                found |= a.equals(b);
            }
            if (!found) {
                errs.add(FieldError.forbidden(path.child("tolerations"), "existing toleration can not be modified except its tolerationSeconds"));
                break;
            }
        }
        errs.addAll(validateTolerations(spec.path("tolerations"), path.child("tolerations")));
        Set<String> oldGates = new HashSet<>();
        oldSpec.path("schedulingGates").forEach(g -> oldGates.add(g.path("name").asText()));
        int gi = 0;
        for (JsonNode g : spec.path("schedulingGates")) {
            if (!oldGates.contains(g.path("name").asText())) {
                errs.add(FieldError.forbidden(path.child("schedulingGates").index(gi).child("name"),
                        "only deletion is allowed, but found new scheduling gate '" + g.path("name").asText() + "'"));
            }
            gi++;
        }
        if (spec.equals(oldSpec)) {
            return errs;
        }
        ObjectNode munged = spec.deepCopy();
        for (String list : List.of("containers", "initContainers")) {
            JsonNode before = oldSpec.path(list);
            int i = 0;
            for (JsonNode c : munged.path(list)) {
                if (c instanceof ObjectNode o) {
                    JsonNode oldImage = before.get(i).get("image");
                    if (oldImage == null) {
                        o.remove("image");
                    } else {
                        o.set("image", oldImage);
                    }
                }
                i++;
            }
        }
        for (String f : List.of("activeDeadlineSeconds", "schedulingGates", "tolerations")) {
            copyField(oldSpec, munged, f);
        }
        if (oldSpec.path("terminationGracePeriodSeconds").asLong(0) < 0 && munged.path("terminationGracePeriodSeconds").asLong(0) == 1) {
            copyField(oldSpec, munged, "terminationGracePeriodSeconds");
        }
        if (!munged.equals(oldSpec)) {
            errs.add(FieldError.forbidden(path, "pod updates may not change fields other than " + UPDATABLE_FIELDS
                    + "\n" + SpecDiff.diff(oldSpec, munged)));
        }
        return errs;
    }

    private static void copyField(JsonNode from, ObjectNode to, String field) {
        JsonNode v = from.get(field);
        if (v == null) {
            to.remove(field);
        } else {
            to.set(field, v.deepCopy());
        }
    }

    // ------------------------------------------------------------------ volumes

    static List<FieldError> validateVolumes(JsonNode volumes, FieldPath path, Map<String, JsonNode> out) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode v : volumes) {
            FieldPath p = path.index(i++);
            String name = text(v, "name");
            List<FieldError> el = new ArrayList<>(validateVolumeSource(v, p));
            if (name.isEmpty()) {
                el.add(FieldError.required(p.child("name"), ""));
            } else {
                for (String m : NameRules.isDns1123Label(name)) {
                    el.add(FieldError.invalid(p.child("name"), name, m));
                }
            }
            if (out.containsKey(name)) {
                el.add(FieldError.duplicate(p.child("name"), name));
            }
            if (el.isEmpty()) {
                out.put(name, v);
            } else {
                errs.addAll(el);
            }
        }
        return errs;
    }

    private static List<FieldError> validateVolumeSource(JsonNode v, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        int sources = 0;
        for (String s : PodSpecDefaults.VOLUME_SOURCES) {
            JsonNode src = v.get(s);
            if (src == null || src.isNull()) {
                continue;
            }
            if (sources > 0) {
                // upstream misspells this one path
                errs.add(FieldError.forbidden(p.child(s.equals("downwardAPI") ? "downwarAPI" : s),
                        "may not specify more than 1 volume type"));
                continue;
            }
            sources++;
            FieldPath sp = p.child(s);
            switch (s) {
                case "hostPath" -> {
                    String hp = text(src, "path");
                    if (hp.isEmpty()) {
                        errs.add(FieldError.required(sp.child("path"), ""));
                    } else {
                        errs.addAll(noBacksteps(hp, sp.child("path")));
                        String type = text(src, "type");
                        List<String> types = List.of("", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate",
                                "File", "FileOrCreate", "Socket");
                        if (!types.contains(type)) {
                            errs.add(FieldError.notSupported(sp.child("type"), type, types));
                        }
                    }
                }
                case "secret" -> {
                    if (text(src, "secretName").isEmpty()) {
                        errs.add(FieldError.required(sp.child("secretName"), ""));
                    }
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    errs.addAll(keyToPaths(src.path("items"), sp.child("items")));
                }
                case "configMap" -> {
                    if (text(src, "name").isEmpty()) {
                        errs.add(FieldError.required(sp.child("name"), ""));
                    }
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    errs.addAll(keyToPaths(src.path("items"), sp.child("items")));
                }
                case "persistentVolumeClaim" -> {
                    if (text(src, "claimName").isEmpty()) {
                        errs.add(FieldError.required(sp.child("claimName"), ""));
                    }
                }
                case "nfs" -> {
                    if (text(src, "server").isEmpty()) {
                        errs.add(FieldError.required(sp.child("server"), ""));
                    }
                    String np = text(src, "path");
                    if (np.isEmpty()) {
                        errs.add(FieldError.required(sp.child("path"), ""));
                    }
                    if (!np.startsWith("/")) {
                        errs.add(FieldError.invalid(sp.child("path"), np, "must be an absolute path"));
                    }
                }
                case "downwardAPI" -> {
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    for (JsonNode item : src.path("items")) {
                        errs.addAll(downwardFile(item, sp));
                    }
                }
                case "projected" -> {
                    errs.addAll(fileMode(src, "defaultMode", sp));
                    errs.addAll(projectedSources(src, sp));
                }
                case "emptyDir" -> {
                    JsonNode limit = src.get("sizeLimit");
                    if (limit != null && !limit.isNull()) {
                        BigDecimal q = Quantity.parse(limit);
                        if (q == null || q.signum() < 0) {
                            errs.add(FieldError.forbidden(sp.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
                        }
                    }
                }
                case "csi" -> {
                    String driver = text(src, "driver");
                    if (driver.isEmpty()) {
                        errs.add(FieldError.required(sp.child("driver"), ""));
                    }
                    if (driver.length() > 63) {
                        errs.add(FieldError.tooLong(sp.child("driver"), "", 63));
                    }
                    for (String m : NameRules.isDns1123Subdomain(driver.toLowerCase())) {
                        errs.add(FieldError.invalid(sp.child("driver"), driver, m));
                    }
                }
                case "ephemeral" -> {
                    if (!src.hasNonNull("volumeClaimTemplate")) {
                        errs.add(FieldError.required(sp.child("volumeClaimTemplate"), ""));
                    }
                }
                case "gitRepo" -> {
                    if (text(src, "repository").isEmpty()) {
                        errs.add(FieldError.required(sp.child("repository"), ""));
                    }
                }
                default -> {
                }
            }
        }
        if (sources == 0) {
            errs.add(FieldError.required(p, "must specify a volume type"));
        }
        return errs;
    }

    private static List<FieldError> projectedSources(JsonNode src, FieldPath sp) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> paths = new HashSet<>();
        int i = 0;
        for (JsonNode s : src.path("sources")) {
            FieldPath p = sp.child("sources").index(i++);
            int n = 0;
            for (String kind : List.of("secret", "configMap")) {
                JsonNode k = s.get(kind);
                if (k == null || k.isNull()) {
                    continue;
                }
                n++;
                if (text(k, "name").isEmpty()) {
                    errs.add(FieldError.required(p.child(kind).child("name"), ""));
                }
                errs.addAll(keyToPaths(k.path("items"), p.child(kind).child("items")));
                for (JsonNode item : k.path("items")) {
                    String ip = text(item, "path");
                    if (!ip.isEmpty() && !paths.add(ip)) {
                        errs.add(FieldError.invalid(sp, text(k, "name"), "conflicting duplicate paths"));
                    }
                }
            }
            JsonNode d = s.get("downwardAPI");
            if (d != null && !d.isNull()) {
                n++;
                for (JsonNode item : d.path("items")) {
                    errs.addAll(downwardFile(item, p.child("downwardAPI")));
                    String ip = text(item, "path");
                    if (!ip.isEmpty() && !paths.add(ip)) {
                        errs.add(FieldError.invalid(sp, ip, "conflicting duplicate paths"));
                    }
                }
            }
            JsonNode tok = s.get("serviceAccountToken");
            if (tok != null && !tok.isNull()) {
                n++;
                long exp = tok.path("expirationSeconds").asLong(3600);
                if (exp < 600) {
                    errs.add(FieldError.invalid(p.child("serviceAccountToken").child("expirationSeconds"), exp,
                            "may not specify a duration less than 10 minutes"));
                }
                if (exp > (1L << 32)) {
                    errs.add(FieldError.invalid(p.child("serviceAccountToken").child("expirationSeconds"), exp,
                            "may not specify a duration larger than 2^32 seconds"));
                }
                String tp = text(tok, "path");
                if (tp.isEmpty()) {
                    errs.add(FieldError.required(sp.child("path"), ""));
                } else {
                    errs.addAll(localNonReservedPath(tp, sp.child("path")));
                }
            }
            if (s.hasNonNull("clusterTrustBundle")) {
                n++;
            }
            if (n > 1) {
                errs.add(FieldError.forbidden(p, "may not specify more than 1 volume type per source"));
            }
        }
        return errs;
    }

    private static List<FieldError> downwardFile(JsonNode item, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        String path = text(item, "path");
        if (path.isEmpty()) {
            errs.add(FieldError.required(p.child("path"), ""));
        }
        errs.addAll(localNonReservedPath(path, p.child("path")));
        JsonNode fieldRef = item.get("fieldRef");
        JsonNode resRef = item.get("resourceFieldRef");
        if (fieldRef != null && !fieldRef.isNull()) {
            errs.addAll(objectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, p.child("fieldRef")));
            if (resRef != null && !resRef.isNull()) {
                errs.add(FieldError.invalid(p, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
            }
        } else if (resRef != null && !resRef.isNull()) {
            errs.addAll(resourceFieldSelector(resRef, p.child("resourceFieldRef"), true));
        } else {
            errs.add(FieldError.required(p, "one of fieldRef and resourceFieldRef is required"));
        }
        errs.addAll(fileMode(item, "mode", p));
        return errs;
    }

    private static List<FieldError> keyToPaths(JsonNode items, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode kp : items) {
            FieldPath p = path.index(i++);
            if (text(kp, "key").isEmpty()) {
                errs.add(FieldError.required(p.child("key"), ""));
            }
            String kpPath = text(kp, "path");
            if (kpPath.isEmpty()) {
                errs.add(FieldError.required(p.child("path"), ""));
            }
            errs.addAll(localNonReservedPath(kpPath, p.child("path")));
            errs.addAll(fileMode(kp, "mode", p));
        }
        return errs;
    }

    private static List<FieldError> fileMode(JsonNode src, String field, FieldPath p) {
        JsonNode m = src.get(field);
        if (m != null && m.isNumber() && (m.asLong() > 0777 || m.asLong() < 0)) {
            return List.of(FieldError.invalid(p.child(field), m.asLong(), FILE_MODE_ERROR));
        }
        return List.of();
    }

    private static List<FieldError> noBacksteps(String target, FieldPath p) {
        for (String part : target.replace('\\', '/').split("/", -1)) {
            if (part.equals("..")) {
                return List.of(FieldError.invalid(p, target, "must not contain '..'"));
            }
        }
        return List.of();
    }

    private static List<FieldError> localDescendingPath(String target, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        if (target.startsWith("/")) {
            errs.add(FieldError.invalid(p, target, "must be a relative path"));
        }
        errs.addAll(noBacksteps(target, p));
        return errs;
    }

    private static List<FieldError> localNonReservedPath(String target, FieldPath p) {
        List<FieldError> errs = new ArrayList<>(localDescendingPath(target, p));
        if (target.startsWith("..") && !target.startsWith("../")) {
            errs.add(FieldError.invalid(p, target, "must not start with '..'"));
        }
        return errs;
    }

    // ------------------------------------------------------------------ containers

    static List<FieldError> validateContainers(JsonNode containers, Map<String, JsonNode> volumes, Long grace, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (containers.size() == 0) {
            errs.add(FieldError.required(path, ""));
            return errs;
        }
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode c : containers) {
            FieldPath p = path.index(i++);
            errs.addAll(validateContainerCommon(c, volumes, p));
            String name = text(c, "name");
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(p.child("name"), name));
            }
            if (c.hasNonNull("lifecycle")) {
                errs.addAll(validateLifecycle(c.get("lifecycle"), grace, p.child("lifecycle")));
            }
            errs.addAll(validateProbe(c.get("livenessProbe"), grace, p.child("livenessProbe"), Probe.LIVENESS));
            errs.addAll(validateProbe(c.get("readinessProbe"), grace, p.child("readinessProbe"), Probe.READINESS));
            errs.addAll(validateProbe(c.get("startupProbe"), grace, p.child("startupProbe"), Probe.STARTUP));
            if (c.hasNonNull("restartPolicy")) {
                errs.add(FieldError.forbidden(p.child("restartPolicy"), "may not be set for non-init containers"));
            }
        }
        errs.addAll(hostPortConflicts(containers, path));
        return errs;
    }

    static List<FieldError> validateInitContainers(JsonNode inits, JsonNode regular, Map<String, JsonNode> volumes,
                                                   Long grace, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        regular.forEach(c -> names.add(text(c, "name")));
        int i = 0;
        for (JsonNode c : inits) {
            FieldPath p = path.index(i);
            errs.addAll(validateContainerCommon(c, volumes, p));
            boolean restartAlways = false;
            if (c.hasNonNull("restartPolicy")) {
                String rp = text(c, "restartPolicy");
                if (!rp.equals("Always")) {
                    errs.add(FieldError.notSupported(p.child("restartPolicy"), rp, List.of("Always")));
                }
                restartAlways = rp.equals("Always");
            }
            String name = text(c, "name");
            if (names.contains(name)) {
                errs.add(FieldError.duplicate(p.child("name"), name));
            } else if (!name.isEmpty()) {
                names.add(name);
            }
            ArrayNode single = Json.array();
            single.add(c);
            errs.addAll(hostPortConflicts(single, path));
            if (restartAlways) {
                if (c.hasNonNull("lifecycle")) {
                    errs.addAll(validateLifecycle(c.get("lifecycle"), grace, p.child("lifecycle")));
                }
                errs.addAll(validateProbe(c.get("livenessProbe"), grace, p.child("livenessProbe"), Probe.LIVENESS));
                errs.addAll(validateProbe(c.get("readinessProbe"), grace, p.child("readinessProbe"), Probe.READINESS));
                errs.addAll(validateProbe(c.get("startupProbe"), grace, p.child("startupProbe"), Probe.STARTUP));
            } else {
                for (String f : List.of("lifecycle", "livenessProbe", "readinessProbe", "startupProbe")) {
                    if (c.hasNonNull(f)) {
                        errs.add(FieldError.forbidden(p.child(f), "may not be set for init containers without restartPolicy=Always"));
                    }
                }
            }
            i++;
        }
        return errs;
    }

    private static List<FieldError> validateContainerCommon(JsonNode c, Map<String, JsonNode> volumes, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        String name = text(c, "name");
        if (name.isEmpty()) {
            errs.add(FieldError.required(p.child("name"), ""));
        } else {
            for (String m : NameRules.isDns1123Label(name)) {
                errs.add(FieldError.invalid(p.child("name"), name, m));
            }
        }
        if (text(c, "image").isEmpty()) {
            errs.add(FieldError.required(p.child("image"), ""));
        }
        errs.addAll(oneOf(text(c, "terminationMessagePolicy"), p.child("terminationMessagePolicy"), TERMINATION_MESSAGE_POLICIES));
        errs.addAll(validateContainerPorts(c.path("ports"), p.child("ports")));
        errs.addAll(validateEnv(c.path("env"), p.child("env")));
        errs.addAll(validateEnvFrom(c.path("envFrom"), p.child("envFrom")));
        errs.addAll(validateVolumeMounts(c.path("volumeMounts"), volumes, c, p.child("volumeMounts")));
        String pull = text(c, "imagePullPolicy");
        if (pull.isEmpty()) {
            errs.add(FieldError.required(p.child("imagePullPolicy"), ""));
        } else if (!PULL_POLICIES.contains(pull)) {
            errs.add(FieldError.notSupported(p.child("imagePullPolicy"), pull, PULL_POLICIES));
        }
        errs.addAll(validateResources(c.get("resources"), p.child("resources")));
        errs.addAll(validateSecurityContext(c.get("securityContext"), p.child("securityContext")));
        return errs;
    }

    static List<FieldError> validateContainerPorts(JsonNode ports, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int i = 0;
        for (JsonNode port : ports) {
            FieldPath p = path.index(i++);
            String name = text(port, "name");
            if (!name.isEmpty()) {
                List<String> msgs = NameRules.isValidPortName(name);
                if (!msgs.isEmpty()) {
                    for (String m : msgs) {
                        errs.add(FieldError.invalid(p.child("name"), name, m));
                    }
                } else if (!names.add(name)) {
                    errs.add(FieldError.duplicate(p.child("name"), name));
                }
            }
            long cp = port.path("containerPort").asLong(0);
            if (cp == 0) {
                errs.add(FieldError.required(p.child("containerPort"), ""));
            } else {
                for (String m : ValueFormats.isValidPortNum(cp)) {
                    errs.add(FieldError.invalid(p.child("containerPort"), cp, m));
                }
            }
            long hp = port.path("hostPort").asLong(0);
            if (hp != 0) {
                for (String m : ValueFormats.isValidPortNum(hp)) {
                    errs.add(FieldError.invalid(p.child("hostPort"), hp, m));
                }
            }
            String proto = text(port, "protocol");
            if (proto.isEmpty()) {
                errs.add(FieldError.required(p.child("protocol"), ""));
            } else if (!PROTOCOLS.contains(proto)) {
                errs.add(FieldError.notSupported(p.child("protocol"), proto, PROTOCOLS));
            }
        }
        return errs;
    }

    private static List<FieldError> hostPortConflicts(JsonNode containers, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int ci = 0;
        for (JsonNode c : containers) {
            int pi = 0;
            for (JsonNode port : c.path("ports")) {
                long hp = port.path("hostPort").asLong(0);
                if (hp != 0) {
                    String key = text(port, "protocol") + "/" + text(port, "hostIP") + "/" + hp;
                    if (!seen.add(key)) {
                        errs.add(FieldError.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key));
                    }
                }
                pi++;
            }
            ci++;
        }
        return errs;
    }

    private static List<FieldError> validateHostNetworkPorts(JsonNode spec, FieldPath path, boolean isPod) {
        List<FieldError> errs = new ArrayList<>();
        if (!spec.path("hostNetwork").asBoolean(false)) {
            return errs;
        }
        int i = 0;
        for (JsonNode c : spec.path("containers")) {
            int j = 0;
            for (JsonNode port : c.path("ports")) {
                long hp = port.path("hostPort").asLong(0);
                long cp = port.path("containerPort").asLong(0);
                if ((isPod ? hp != cp : hp != 0 && hp != cp)) {
                    errs.add(FieldError.invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                            hp, "must match `containerPort` when `hostNetwork` is true"));
                }
                j++;
            }
            i++;
        }
        return errs;
    }

    static List<FieldError> validateEnv(JsonNode env, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode ev : env) {
            FieldPath p = path.index(i++);
            String name = text(ev, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(p.child("name"), ""));
            } else {
                for (String m : ValueFormats.isEnvVarName(name)) {
                    errs.add(FieldError.invalid(p.child("name"), name, m));
                }
            }
            errs.addAll(validateEnvValueFrom(ev, p.child("valueFrom")));
        }
        return errs;
    }

    private static List<FieldError> validateEnvValueFrom(JsonNode ev, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode from = ev.get("valueFrom");
        if (from == null || from.isNull()) {
            return errs;
        }
        int n = 0;
        if (from.hasNonNull("fieldRef")) {
            n++;
            errs.addAll(objectFieldSelector(from.get("fieldRef"), ENV_FIELD_PATHS, p.child("fieldRef")));
        }
        if (from.hasNonNull("resourceFieldRef")) {
            n++;
            errs.addAll(resourceFieldSelector(from.get("resourceFieldRef"), p.child("resourceFieldRef"), false));
        }
        for (String kind : List.of("configMapKeyRef", "secretKeyRef")) {
            JsonNode ref = from.get(kind);
            if (ref == null || ref.isNull()) {
                continue;
            }
            n++;
            String refName = text(ref, "name");
            for (String m : NameRules.isDns1123Subdomain(refName)) {
                errs.add(FieldError.invalid(p.child(kind).child("name"), refName, m));
            }
            String key = text(ref, "key");
            if (key.isEmpty()) {
                errs.add(FieldError.required(p.child(kind).child("key"), ""));
            } else {
                for (String m : ValueFormats.isConfigMapKey(key)) {
                    errs.add(FieldError.invalid(p.child(kind).child("key"), key, m));
                }
            }
        }
        if (n == 0) {
            errs.add(FieldError.invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if (!text(ev, "value").isEmpty()) {
            errs.add(FieldError.invalid(p, "", "may not be specified when `value` is not empty"));
        } else if (n > 1) {
            errs.add(FieldError.invalid(p, "", "may not have more than one field specified at a time"));
        }
        return errs;
    }

    private static List<FieldError> objectFieldSelector(JsonNode fs, List<String> allowed, FieldPath p) {
        String apiVersion = text(fs, "apiVersion");
        if (apiVersion.isEmpty()) {
            return List.of(FieldError.required(p.child("apiVersion"), ""));
        }
        String fieldPath = text(fs, "fieldPath");
        if (fieldPath.isEmpty()) {
            return List.of(FieldError.required(p.child("fieldPath"), ""));
        }
        if (!apiVersion.equals("v1")) {
            return List.of(FieldError.invalid(p.child("fieldPath"), fieldPath,
                    "error converting fieldPath: unsupported pod version: " + apiVersion));
        }
        int bracket = fieldPath.indexOf('[');
        if (bracket > 0 && fieldPath.endsWith("]")) {
            String base = fieldPath.substring(0, bracket);
            String subscript = fieldPath.substring(bracket + 1, fieldPath.length() - 1);
            if (subscript.length() >= 2 && subscript.startsWith("'") && subscript.endsWith("'")) {
                subscript = subscript.substring(1, subscript.length() - 1);
            }
            return switch (base) {
                case "metadata.annotations" -> NameRules.validateQualifiedName(subscript.toLowerCase(), p);
                case "metadata.labels" -> NameRules.validateQualifiedName(subscript, p);
                default -> List.of(FieldError.invalid(p.child("fieldPath"), fieldPath,
                        "error converting fieldPath: field label does not support subscript: " + fieldPath));
            };
        }
        if (!CONVERTIBLE_FIELD_LABELS.contains(fieldPath)) {
            return List.of(FieldError.invalid(p.child("fieldPath"), fieldPath,
                    "error converting fieldPath: field label not supported: " + fieldPath));
        }
        String internal = fieldPath.equals("spec.host") ? "spec.nodeName" : fieldPath;
        if (!allowed.contains(internal)) {
            return List.of(FieldError.notSupported(p.child("fieldPath"), internal, allowed));
        }
        return List.of();
    }

    private static List<FieldError> resourceFieldSelector(JsonNode fs, FieldPath p, boolean volume) {
        String resource = text(fs, "resource");
        if (volume && text(fs, "containerName").isEmpty()) {
            return List.of(FieldError.required(p.child("containerName"), ""));
        }
        if (resource.isEmpty()) {
            return List.of(FieldError.required(p.child("resource"), ""));
        }
        if (!RESOURCE_FIELD_PATHS.contains(resource) && !resource.startsWith("requests.hugepages-")
                && !resource.startsWith("limits.hugepages-")) {
            return List.of(FieldError.notSupported(p.child("resource"), resource, RESOURCE_FIELD_PATHS));
        }
        return List.of();
    }

    static List<FieldError> validateEnvFrom(JsonNode envFrom, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode ev : envFrom) {
            FieldPath p = path.index(i++);
            String prefix = text(ev, "prefix");
            if (!prefix.isEmpty()) {
                for (String m : ValueFormats.isEnvVarName(prefix)) {
                    errs.add(FieldError.invalid(p.child("prefix"), prefix, m));
                }
            }
            int n = 0;
            for (String kind : List.of("configMapRef", "secretRef")) {
                JsonNode ref = ev.get(kind);
                if (ref == null || ref.isNull()) {
                    continue;
                }
                n++;
                String refName = text(ref, "name");
                if (refName.isEmpty()) {
                    errs.add(FieldError.required(p.child(kind).child("name"), ""));
                } else {
                    for (String m : NameRules.isDns1123Subdomain(refName)) {
                        errs.add(FieldError.invalid(p.child(kind).child("name"), refName, m));
                    }
                }
            }
            if (n == 0) {
                errs.add(FieldError.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"));
            } else if (n > 1) {
                errs.add(FieldError.invalid(path, "", "may not have more than one field specified at a time"));
            }
        }
        return errs;
    }

    private static List<FieldError> validateVolumeMounts(JsonNode mounts, Map<String, JsonNode> volumes, JsonNode container,
                                                         FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> mountPoints = new HashSet<>();
        int i = 0;
        for (JsonNode m : mounts) {
            FieldPath p = path.index(i++);
            String name = text(m, "name");
            if (name.isEmpty()) {
                errs.add(FieldError.required(p.child("name"), ""));
            }
            if (!volumes.containsKey(name)) {
                errs.add(FieldError.notFound(p.child("name"), name));
            }
            String mp = text(m, "mountPath");
            if (mp.isEmpty()) {
                errs.add(FieldError.required(p.child("mountPath"), ""));
            }
            if (!mountPoints.add(mp)) {
                errs.add(FieldError.invalid(p.child("mountPath"), mp, "must be unique"));
            }
            String subPath = text(m, "subPath");
            if (!subPath.isEmpty()) {
                errs.addAll(localDescendingPath(subPath, path.child("subPath")));
            }
            String subPathExpr = text(m, "subPathExpr");
            if (!subPathExpr.isEmpty()) {
                if (!subPath.isEmpty()) {
                    errs.add(FieldError.invalid(p.child("subPathExpr"), subPathExpr, "subPathExpr and subPath are mutually exclusive"));
                }
                errs.addAll(localDescendingPath(subPathExpr, path.child("subPathExpr")));
            }
            if (m.hasNonNull("mountPropagation")) {
                String prop = text(m, "mountPropagation");
                List<String> supported = List.of("Bidirectional", "HostToContainer", "None");
                if (!supported.contains(prop)) {
                    errs.add(FieldError.notSupported(path.child("mountPropagation"), prop, supported));
                }
                boolean privileged = Json.at(container, "securityContext", "privileged") != null
                        && Json.at(container, "securityContext", "privileged").asBoolean();
                if (prop.equals("Bidirectional") && !privileged) {
                    errs.add(FieldError.forbidden(path.child("mountPropagation"),
                            "Bidirectional mount propagation is available only to privileged containers"));
                }
            }
        }
        return errs;
    }

    // ------------------------------------------------------------------ resources

    /** ValidateContainerResourceRequirements: names, non-negative quantities, requests within limits. */
    public static List<FieldError> validateResources(JsonNode resources, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (resources == null || !resources.isObject()) {
            return errs;
        }
        FieldPath limPath = path.child("limits");
        FieldPath reqPath = path.child("requests");
        JsonNode limits = resources.path("limits");
        JsonNode requests = resources.path("requests");
        boolean limCpuMem = false;
        boolean reqCpuMem = false;
        boolean hugePages = false;
        for (var it = limits.fields(); it.hasNext(); ) {
            var e = it.next();
            FieldPath p = limPath.key(e.getKey());
            errs.addAll(containerResourceName(e.getKey(), p));
            errs.addAll(quantityValue(e.getKey(), e.getValue(), p));
            limCpuMem |= e.getKey().equals("cpu") || e.getKey().equals("memory");
            hugePages |= e.getKey().startsWith("hugepages-");
        }
        for (var it = requests.fields(); it.hasNext(); ) {
            var e = it.next();
            String res = e.getKey();
            FieldPath p = reqPath.key(res);
            errs.addAll(containerResourceName(res, p));
            errs.addAll(quantityValue(res, e.getValue(), p));
            JsonNode limit = limits.get(res);
            BigDecimal req = Quantity.parse(e.getValue());
            if (limit != null) {
                BigDecimal lim = Quantity.parse(limit);
                if (req != null && lim != null) {
                    if (req.compareTo(lim) != 0 && !overcommitAllowed(res)) {
                        errs.add(FieldError.invalid(reqPath, Quantity.text(e.getValue()),
                                "must be equal to " + res + " limit of " + Quantity.text(limit)));
                    } else if (req.compareTo(lim) > 0) {
                        errs.add(FieldError.invalid(reqPath, Quantity.text(e.getValue()),
                                "must be less than or equal to " + res + " limit of " + Quantity.text(limit)));
                    }
                }
            } else if (!overcommitAllowed(res)) {
                errs.add(FieldError.required(limPath, "Limit must be set for non overcommitable resources"));
            }
            reqCpuMem |= res.equals("cpu") || res.equals("memory");
            hugePages |= res.startsWith("hugepages-");
        }
        if (!limCpuMem && !reqCpuMem && hugePages) {
            errs.add(FieldError.forbidden(path, "HugePages require cpu or memory"));
        }
        return errs;
    }

    private static boolean nativeResource(String name) {
        return !name.contains("/") || name.contains("kubernetes.io/");
    }

    private static boolean overcommitAllowed(String name) {
        return nativeResource(name) && !name.startsWith("hugepages-");
    }

    private static List<FieldError> containerResourceName(String name, FieldPath p) {
        List<FieldError> errs = new ArrayList<>(NameRules.validateQualifiedName(name, p));
        if (!errs.isEmpty()) {
            return errs;
        }
        if (!name.contains("/")) {
            if (!ResourceNames.isStandardResourceName(name)) {
                return List.of(FieldError.invalid(p, name, "must be a standard resource type or fully qualified"));
            }
            if (!ResourceNames.isStandardContainerResourceName(name)) {
                return List.of(FieldError.invalid(p, name, "must be a standard resource for containers"));
            }
        } else if (!nativeResource(name) && (name.startsWith("requests.")
                || !NameRules.isQualifiedName("requests." + name).isEmpty())) {
            return List.of(FieldError.invalid(p, name, "doesn't follow extended resource name standard"));
        }
        return errs;
    }

    /** ValidateResourceQuantityValue: a parseable, non-negative quantity, whole for integer resources. */
    public static List<FieldError> quantityValue(String resource, JsonNode value, FieldPath p) {
        BigDecimal q = Quantity.parse(value);
        if (q == null) {
            return List.of(FieldError.invalid(p, Quantity.text(value), Quantity.FORMAT_ERROR));
        }
        List<FieldError> errs = new ArrayList<>();
        if (q.signum() < 0) {
            errs.add(FieldError.invalid(p, Quantity.text(value), ValueFormats.NON_NEGATIVE));
        }
        if (ResourceNames.isIntegerResource(resource) && q.stripTrailingZeros().scale() > 0) {
            errs.add(FieldError.invalid(p, new GoLiteral(Quantity.text(value)), "must be an integer"));
        }
        return errs;
    }

    // ------------------------------------------------------------------ probes and handlers

    private enum Probe { LIVENESS, READINESS, STARTUP }

    private static List<FieldError> validateProbe(JsonNode probe, Long grace, FieldPath p, Probe kind) {
        List<FieldError> errs = new ArrayList<>();
        if (probe == null || probe.isNull()) {
            return errs;
        }
        errs.addAll(validateHandler(probe, grace, p, false));
        for (String f : List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold")) {
            long v = probe.path(f).asLong(0);
            if (v < 0) {
                errs.add(FieldError.invalid(p.child(f), v, ValueFormats.NON_NEGATIVE));
            }
        }
        if (probe.hasNonNull("terminationGracePeriodSeconds") && probe.get("terminationGracePeriodSeconds").asLong() <= 0) {
            errs.add(FieldError.invalid(p.child("terminationGracePeriodSeconds"), probe.get("terminationGracePeriodSeconds").asLong(),
                    "must be greater than 0"));
        }
        if (kind != Probe.READINESS && probe.path("successThreshold").asLong(1) != 1) {
            errs.add(FieldError.invalid(p.child("successThreshold"), probe.path("successThreshold").asLong(), "must be 1"));
        }
        if (kind == Probe.READINESS && probe.hasNonNull("terminationGracePeriodSeconds")) {
            errs.add(FieldError.invalid(p.child("terminationGracePeriodSeconds"), probe.get("terminationGracePeriodSeconds").asLong(),
                    "must not be set for readinessProbes"));
        }
        return errs;
    }

    private static List<FieldError> validateLifecycle(JsonNode lc, Long grace, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        for (String h : List.of("postStart", "preStop")) {
            if (lc.hasNonNull(h)) {
                errs.addAll(validateHandler(lc.get(h), grace, p.child(h), true));
            }
        }
        return errs;
    }

    private static List<FieldError> validateHandler(JsonNode h, Long grace, FieldPath p, boolean lifecycle) {
        List<FieldError> errs = new ArrayList<>();
        int n = 0;
        List<String> kinds = lifecycle ? List.of("exec", "httpGet", "tcpSocket", "sleep") : List.of("exec", "httpGet", "tcpSocket", "grpc");
        for (String kind : kinds) {
            JsonNode a = h.get(kind);
            if (a == null || a.isNull()) {
                continue;
            }
            if (n > 0) {
                errs.add(FieldError.forbidden(p.child(kind), "may not specify more than 1 handler type"));
                continue;
            }
            n++;
            FieldPath ap = p.child(kind);
            switch (kind) {
                case "exec" -> {
                    if (a.path("command").size() == 0) {
                        errs.add(FieldError.required(ap.child("command"), ""));
                    }
                }
                case "httpGet" -> {
                    if (text(a, "path").isEmpty()) {
                        errs.add(FieldError.required(ap.child("path"), ""));
                    }
                    errs.addAll(portNumOrName(a.get("port"), ap.child("port")));
                    String scheme = text(a, "scheme");
                    if (!scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
                        errs.add(FieldError.notSupported(ap.child("scheme"), scheme, List.of("HTTP", "HTTPS")));
                    }
                    for (JsonNode header : a.path("httpHeaders")) {
                        String hn = text(header, "name");
                        if (!hn.matches("^[-A-Za-z0-9]+$")) {
                            errs.add(FieldError.invalid(ap.child("httpHeaders"), hn, ValueFormats.regexError(
                                    "a valid HTTP header must consist of alphanumeric characters or '-'", "[-A-Za-z0-9]+",
                                    "X-Header-Name")));
                        }
                    }
                }
                case "tcpSocket" -> errs.addAll(portNumOrName(a.get("port"), ap.child("port")));
                case "grpc" -> {
                    long port = a.path("port").asLong(0);
                    for (String m : ValueFormats.isValidPortNum(port)) {
                        errs.add(FieldError.invalid(ap.child("port"), port, m));
                    }
                }
                case "sleep" -> {
                    long s = a.path("seconds").asLong(0);
                    if (grace != null && (s <= 0 || s > grace)) {
                        errs.add(FieldError.invalid(ap, s, "must be greater than 0 and less than terminationGracePeriodSeconds ("
                                + grace + "). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."));
                    }
                }
                default -> {
                }
            }
        }
        if (n == 0) {
            errs.add(FieldError.required(p, "must specify a handler type"));
        }
        return errs;
    }

    /** ValidatePortNumOrName for an IntOrString port given as JSON. */
    public static List<FieldError> portNumOrName(JsonNode port, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        if (port == null || port.isNull() || port.isNumber()) {
            long v = port == null || port.isNull() ? 0 : port.asLong();
            for (String m : ValueFormats.isValidPortNum(v)) {
                errs.add(FieldError.invalid(p, v, m));
            }
        } else {
            String v = port.asText();
            for (String m : NameRules.isValidPortName(v)) {
                errs.add(FieldError.invalid(p, v, m));
            }
        }
        return errs;
    }

    // ------------------------------------------------------------------ security, scheduling, DNS

    private static List<FieldError> validateSecurityContext(JsonNode sc, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        if (sc == null || !sc.isObject()) {
            return errs;
        }
        errs.addAll(idRange(sc, "runAsUser", p));
        errs.addAll(idRange(sc, "runAsGroup", p));
        if (sc.hasNonNull("procMount")) {
            String pm = text(sc, "procMount");
            if (!pm.equals("Default") && !pm.equals("Unmasked")) {
                errs.add(FieldError.notSupported(p.child("procMount"), pm, List.of("Default", "Unmasked")));
            }
        }
        errs.addAll(seccompProfile(sc.get("seccompProfile"), p.child("seccompProfile")));
        if (sc.hasNonNull("allowPrivilegeEscalation") && !sc.get("allowPrivilegeEscalation").asBoolean()) {
            if (sc.path("privileged").asBoolean(false)) {
                errs.add(FieldError.invalid(p, new GoLiteral("&core.SecurityContext{...}"),
                        "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
            }
            for (JsonNode cap : Json.at(sc, "capabilities") == null ? Json.array() : sc.path("capabilities").path("add")) {
                if (cap.asText().equals("CAP_SYS_ADMIN")) {
                    errs.add(FieldError.invalid(p, new GoLiteral("&core.SecurityContext{...}"),
                            "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> validatePodSecurityContext(JsonNode sc, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        if (sc == null || !sc.isObject()) {
            return errs;
        }
        errs.addAll(idRange(sc, "fsGroup", p));
        errs.addAll(idRange(sc, "runAsUser", p));
        errs.addAll(idRange(sc, "runAsGroup", p));
        int i = 0;
        for (JsonNode g : sc.path("supplementalGroups")) {
            if (g.asLong() < 0 || g.asLong() > MAX_ID) {
                errs.add(FieldError.invalid(p.child("supplementalGroups").index(i), g.asLong(), ValueFormats.inclusiveRange(0, MAX_ID)));
            }
            i++;
        }
        i = 0;
        Set<String> names = new HashSet<>();
        for (JsonNode s : sc.path("sysctls")) {
            FieldPath sp = p.child("sysctls").index(i++).child("name");
            String n = text(s, "name");
            if (n.isEmpty()) {
                errs.add(FieldError.required(sp, ""));
            } else if (n.length() > 253 || !n.matches("^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$")) {
                errs.add(FieldError.invalid(sp, n, "must have at most 253 characters and match regex "
                        + "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"));
            } else if (!names.add(n)) {
                errs.add(FieldError.duplicate(sp, n));
            }
        }
        if (sc.hasNonNull("fsGroupChangePolicy")) {
            String v = text(sc, "fsGroupChangePolicy");
            if (!v.equals("OnRootMismatch") && !v.equals("Always")) {
                errs.add(FieldError.notSupported(p.child("fsGroupChangePolicy"), v, List.of("Always", "OnRootMismatch")));
            }
        }
        errs.addAll(seccompProfile(sc.get("seccompProfile"), p.child("seccompProfile")));
        return errs;
    }

    private static List<FieldError> idRange(JsonNode sc, String field, FieldPath p) {
        if (sc.hasNonNull(field)) {
            long v = sc.get(field).asLong();
            if (v < 0 || v > MAX_ID) {
                return List.of(FieldError.invalid(p.child(field), v, ValueFormats.inclusiveRange(0, MAX_ID)));
            }
        }
        return List.of();
    }

    private static List<FieldError> seccompProfile(JsonNode sp, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        if (sp == null || !sp.isObject()) {
            return errs;
        }
        String type = text(sp, "type");
        List<String> types = List.of("Localhost", "RuntimeDefault", "Unconfined");
        if (type.isEmpty()) {
            errs.add(FieldError.required(p.child("type"), "type is required when seccompProfile is set"));
        } else if (!types.contains(type)) {
            errs.add(FieldError.notSupported(p.child("type"), type, types));
        }
        if (type.equals("Localhost")) {
            if (!sp.hasNonNull("localhostProfile")) {
                errs.add(FieldError.required(p.child("localhostProfile"), "must be set when seccomp type is Localhost"));
            } else {
                errs.addAll(localDescendingPath(text(sp, "localhostProfile"), p.child("localhostProfile")));
            }
        } else if (sp.hasNonNull("localhostProfile")) {
            errs.add(FieldError.invalid(p.child("localhostProfile"), new GoLiteral("&core.SeccompProfile{...}"),
                    "can only be set when seccomp type is Localhost"));
        }
        return errs;
    }

    private static List<FieldError> validateImagePullSecrets(JsonNode secrets, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode s : secrets) {
            if (s.isObject() && s.size() > (s.has("name") ? 1 : 0)) {
                errs.add(FieldError.invalid(path.index(i), new GoLiteral(s.toString()), "only name may be set"));
            }
            i++;
        }
        return errs;
    }

    /** ValidateTolerations: keys, operators, values and effects. */
    public static List<FieldError> validateTolerations(JsonNode tolerations, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode t : tolerations) {
            FieldPath p = path.index(i++);
            String key = text(t, "key");
            String op = text(t, "operator");
            String effect = text(t, "effect");
            String value = text(t, "value");
            if (!key.isEmpty()) {
                errs.addAll(NameRules.validateQualifiedName(key, p.child("key")));
            }
            if (key.isEmpty() && !op.equals("Exists")) {
                errs.add(FieldError.invalid(p.child("operator"), op,
                        "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
            }
            if (t.hasNonNull("tolerationSeconds") && !effect.equals("NoExecute")) {
                errs.add(FieldError.invalid(p.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
            }
            switch (op) {
                case "Equal", "" -> {
                    List<String> msgs = NameRules.isValidLabelValue(value);
                    if (!msgs.isEmpty()) {
                        errs.add(FieldError.invalid(p.child("operator"), value, String.join(";", msgs)));
                    }
                }
                case "Exists" -> {
                    if (!value.isEmpty()) {
                        errs.add(FieldError.invalid(p.child("operator"), value, "value must be empty when `operator` is 'Exists'"));
                    }
                }
                default -> errs.add(FieldError.notSupported(p.child("operator"), op, List.of("Equal", "Exists")));
            }
            if (!effect.isEmpty()) {
                errs.addAll(taintEffect(effect, p.child("effect")));
            }
        }
        return errs;
    }

    /** validateTaintEffect with a non-empty effect. */
    public static List<FieldError> taintEffect(String effect, FieldPath p) {
        List<String> valid = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
        if (effect.isEmpty()) {
            return List.of(FieldError.required(p, ""));
        }
        return valid.contains(effect) ? List.of() : List.of(FieldError.notSupported(p, effect, valid));
    }

    private static List<FieldError> validateSchedulingGates(JsonNode gates, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode g : gates) {
            String name = text(g, "name");
            errs.addAll(NameRules.validateQualifiedName(name, path.index(i)));
            if (!seen.add(name)) {
                errs.add(FieldError.duplicate(path.index(i), name));
            }
            i++;
        }
        return errs;
    }

    private static List<FieldError> validateTopologySpread(JsonNode constraints, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (int i = 0; i < constraints.size(); i++) {
            JsonNode c = constraints.get(i);
            FieldPath p = path.index(i);
            long skew = c.path("maxSkew").asLong(0);
            if (skew <= 0) {
                errs.add(FieldError.invalid(p.child("maxSkew"), skew, "must be greater than zero"));
            }
            String key = text(c, "topologyKey");
            if (key.isEmpty()) {
                errs.add(FieldError.required(p.child("topologyKey"), "can not be empty"));
            }
            String action = text(c, "whenUnsatisfiable");
            if (!action.equals("DoNotSchedule") && !action.equals("ScheduleAnyway")) {
                errs.add(FieldError.notSupported(p.child("whenUnsatisfiable"), action, List.of("DoNotSchedule", "ScheduleAnyway")));
            }
            for (int j = i + 1; j < constraints.size(); j++) {
                JsonNode other = constraints.get(j);
                if (key.equals(text(other, "topologyKey")) && action.equals(text(other, "whenUnsatisfiable"))) {
                    errs.add(FieldError.duplicate(p.child("{topologyKey, whenUnsatisfiable}"), "{" + key + ", " + action + "}"));
                    break;
                }
            }
            if (c.hasNonNull("minDomains")) {
                long md = c.get("minDomains").asLong();
                if (md <= 0) {
                    errs.add(FieldError.invalid(p.child("minDomains"), md, "must be greater than zero"));
                }
                if (!action.equals("DoNotSchedule")) {
                    errs.add(FieldError.invalid(p.child("minDomains"), md,
                            "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " + action));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> validateAffinity(JsonNode affinity, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        if (affinity == null || !affinity.isObject()) {
            return errs;
        }
        JsonNode na = affinity.get("nodeAffinity");
        if (na != null && na.isObject()) {
            FieldPath np = path.child("nodeAffinity");
            JsonNode required = na.get("requiredDuringSchedulingIgnoredDuringExecution");
            if (required != null && required.isObject()) {
                FieldPath tp = np.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms");
                if (required.path("nodeSelectorTerms").size() == 0) {
                    errs.add(FieldError.required(tp, "must have at least one node selector term"));
                }
                int i = 0;
                for (JsonNode term : required.path("nodeSelectorTerms")) {
                    errs.addAll(nodeSelectorTerm(term, tp.index(i++)));
                }
            }
            int i = 0;
            for (JsonNode pref : na.path("preferredDuringSchedulingIgnoredDuringExecution")) {
                FieldPath pp = np.child("preferredDuringSchedulingIgnoredDuringExecution").index(i++);
                long w = pref.path("weight").asLong(0);
                if (w <= 0 || w > 100) {
                    errs.add(FieldError.invalid(pp.child("weight"), w, "must be in the range 1-100"));
                }
                errs.addAll(nodeSelectorTerm(pref.path("preference"), pp.child("preference")));
            }
        }
        for (String kind : List.of("podAffinity", "podAntiAffinity")) {
            JsonNode pa = affinity.get(kind);
            if (pa == null || !pa.isObject()) {
                continue;
            }
            FieldPath kp = path.child(kind);
            int i = 0;
            for (JsonNode term : pa.path("requiredDuringSchedulingIgnoredDuringExecution")) {
                errs.addAll(podAffinityTerm(term, kp.child("requiredDuringSchedulingIgnoredDuringExecution").index(i++)));
            }
            i = 0;
            for (JsonNode wt : pa.path("preferredDuringSchedulingIgnoredDuringExecution")) {
                FieldPath wp = kp.child("preferredDuringSchedulingIgnoredDuringExecution").index(i++);
                long w = wt.path("weight").asLong(0);
                if (w <= 0 || w > 100) {
                    errs.add(FieldError.invalid(wp.child("weight"), w, "must be in the range 1-100"));
                }
                errs.addAll(podAffinityTerm(wt.path("podAffinityTerm"), wp.child("podAffinityTerm")));
            }
        }
        return errs;
    }

    private static List<FieldError> podAffinityTerm(JsonNode term, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        for (JsonNode ns : term.path("namespaces")) {
            for (String m : NameRules.isDns1123Label(ns.asText())) {
                errs.add(FieldError.invalid(p.child("namespace"), ns.asText(), m));
            }
        }
        String key = text(term, "topologyKey");
        if (key.isEmpty()) {
            errs.add(FieldError.required(p.child("topologyKey"), "can not be empty"));
        }
        errs.addAll(NameRules.validateQualifiedName(key, p.child("topologyKey")));
        return errs;
    }

    private static List<FieldError> nodeSelectorTerm(JsonNode term, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        int j = 0;
        for (JsonNode rq : term.path("matchExpressions")) {
            FieldPath rp = p.child("matchExpressions").index(j++);
            String op = text(rq, "operator");
            int n = rq.path("values").size();
            switch (op) {
                case "In", "NotIn" -> {
                    if (n == 0) {
                        errs.add(FieldError.required(rp.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (n > 0) {
                        errs.add(FieldError.forbidden(rp.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                case "Gt", "Lt" -> {
                    if (n != 1) {
                        errs.add(FieldError.required(rp.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
                    }
                }
                default -> errs.add(FieldError.invalid(rp.child("operator"), op, "not a valid selector operator"));
            }
            errs.addAll(NameRules.validateQualifiedName(text(rq, "key"), rp.child("key")));
            int k = 0;
            for (JsonNode v : rq.path("values")) {
                for (String m : NameRules.isValidLabelValue(v.asText())) {
                    errs.add(FieldError.invalid(rp.child("values").index(k), v.asText(), m));
                }
                k++;
            }
        }
        j = 0;
        for (JsonNode rq : term.path("matchFields")) {
            FieldPath rp = p.child("matchFields").index(j++);
            String op = text(rq, "operator");
            if (op.equals("In") || op.equals("NotIn")) {
                if (rq.path("values").size() != 1) {
                    errs.add(FieldError.required(rp.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
                }
            } else {
                errs.add(FieldError.invalid(rp.child("operator"), op, "not a valid selector operator"));
            }
            if (!text(rq, "key").equals("metadata.name")) {
                errs.add(FieldError.invalid(rp.child("key"), text(rq, "key"), "not a valid field selector key"));
            }
        }
        return errs;
    }

    private static List<FieldError> validateDnsConfig(JsonNode dns, String policy, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        if (policy.equals("None")) {
            if (dns == null || dns.isNull()) {
                return List.of(FieldError.required(p, "must provide `dnsConfig` when `dnsPolicy` is None"));
            }
            if (dns.path("nameservers").size() == 0) {
                return List.of(FieldError.required(p.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"));
            }
        }
        if (dns == null || !dns.isObject()) {
            return errs;
        }
        if (dns.path("nameservers").size() > 3) {
            errs.add(FieldError.invalid(p.child("nameservers"), GoLiteral.strings(dns.get("nameservers")), "must not have more than 3 nameservers"));
        }
        int i = 0;
        for (JsonNode ns : dns.path("nameservers")) {
            if (!ValueFormats.isIp(ns.asText())) {
                errs.add(FieldError.invalid(p.child("nameservers").index(i), ns.asText(), ValueFormats.INVALID_IP));
            }
            i++;
        }
        if (dns.path("searches").size() > 32) {
            errs.add(FieldError.invalid(p.child("searches"), GoLiteral.strings(dns.get("searches")), "must not have more than 32 search paths"));
        }
        i = 0;
        for (JsonNode s : dns.path("searches")) {
            String search = s.asText();
            if (search.endsWith(".")) {
                search = search.substring(0, search.length() - 1);
            }
            for (String m : NameRules.isDns1123Subdomain(search)) {
                errs.add(FieldError.invalid(p.child("searches").index(i), search, m));
            }
            i++;
        }
        i = 0;
        for (JsonNode o : dns.path("options")) {
            if (text(o, "name").isEmpty()) {
                errs.add(FieldError.required(p.child("options").index(i), "must not be empty"));
            }
            i++;
        }
        return errs;
    }

    // ------------------------------------------------------------------ small helpers

    /** Required when empty, Unsupported when not one of {@code valid}. */
    public static List<FieldError> oneOf(String value, FieldPath p, List<String> valid) {
        if (value.isEmpty()) {
            return List.of(FieldError.required(p, ""));
        }
        return valid.contains(value) ? List.of() : List.of(FieldError.notSupported(p, value, valid));
    }

    static String text(JsonNode node, String field) {
        return Objects.requireNonNullElse(Json.text(node, field), "");
    }
}
