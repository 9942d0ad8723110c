package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Upstream's validation of the smaller core/v1 kinds on JSON trees: Endpoints, Event, Node,
 * PersistentVolume, PersistentVolumeClaim, ReplicationController, LimitRange, ResourceQuota and
 * PodTemplate. Callers: their strategies. Stateless; never throws.
 */
public final class ObjectValidation {
    static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
    static final List<String> RECLAIM_POLICIES = List.of("Delete", "Recycle", "Retain");
    static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
    private static final List<String> PV_SOURCES = List.of("hostPath", "gcePersistentDisk", "awsElasticBlockStore",
            "glusterfs", "flocker", "nfs", "rbd", "quobyte", "cephfs", "iscsi", "cinder", "fc", "flexVolume", "azureFile",
            "vsphereVolume", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "local", "storageos", "csi");

    private ObjectValidation() {
    }

    // ------------------------------------------------------------------ endpoints

    public static List<FieldError> validateEndpoints(JsonNode ep) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode ss : ep.path("subsets")) {
            FieldPath p = FieldPath.root("subsets").index(i++);
            if (ss.path("addresses").size() == 0 && ss.path("notReadyAddresses").size() == 0) {
                errs.add(FieldError.required(p, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (String list : List.of("addresses", "notReadyAddresses")) {
                int j = 0;
                for (JsonNode a : ss.path(list)) {
                    errs.addAll(endpointAddress(a, p.child(list).index(j++)));
                }
            }
            int j = 0;
            for (JsonNode port : ss.path("ports")) {
                FieldPath pp = p.child("ports").index(j++);
                String name = text(port, "name");
                if (ss.path("ports").size() > 1 && name.isEmpty()) {
                    errs.add(FieldError.required(pp.child("name"), ""));
                } else if (!name.isEmpty()) {
                    for (String m : NameRules.isDns1123Label(name)) {
                        errs.add(FieldError.invalid(pp.child("name"), name, m));
                    }
                }
                long num = port.path("port").asLong(0);
                for (String m : ValueFormats.isValidPortNum(num)) {
                    errs.add(FieldError.invalid(pp.child("port"), num, m));
                }
                errs.addAll(PodSpecValidation.oneOf(text(port, "protocol"), pp.child("protocol"), PodSpecValidation.PROTOCOLS));
                if (port.hasNonNull("appProtocol")) {
                    errs.addAll(NameRules.validateQualifiedName(text(port, "appProtocol"), pp.child("appProtocol")));
                }
            }
        }
        return errs;
    }

    private static List<FieldError> endpointAddress(JsonNode a, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        String ip = text(a, "ip");
        if (!ValueFormats.isIp(ip)) {
            errs.add(FieldError.invalid(p.child("ip"), ip, ValueFormats.INVALID_IP));
        }
        String hostname = text(a, "hostname");
        if (!hostname.isEmpty()) {
            for (String m : NameRules.isDns1123Label(hostname)) {
                errs.add(FieldError.invalid(p.child("hostname"), hostname, m));
            }
        }
        if (a.hasNonNull("nodeName")) {
            for (String m : NameRules.isDns1123Subdomain(text(a, "nodeName"))) {
                errs.add(FieldError.invalid(p.child("nodeName"), text(a, "nodeName"), m));
            }
        }
        for (String m : ValueFormats.nonSpecialIp(ip)) {
            errs.add(FieldError.invalid(p.child("ip"), ip, m));
        }
        return errs;
    }

    // ------------------------------------------------------------------ events

    /** The core/v1 Event rules (legacy validation, as upstream applies to v1 requests). */
    public static List<FieldError> validateEvent(JsonNode event) {
        List<FieldError> errs = new ArrayList<>();
        String ns = text(event.path("metadata"), "namespace");
        String involvedNs = text(event.path("involvedObject"), "namespace");
        FieldPath involvedNsPath = FieldPath.of("involvedObject", "namespace");
        if (text(event, "eventTime").isEmpty()) {
            if (involvedNs.isEmpty()) {
                if (!ns.isEmpty() && !ns.equals("default")) {
                    errs.add(FieldError.invalid(involvedNsPath, involvedNs, "does not match event.namespace"));
                }
            } else if (!ns.equals(involvedNs)) {
                errs.add(FieldError.invalid(involvedNsPath, involvedNs, "does not match event.namespace"));
            }
        } else {
            if (involvedNs.isEmpty() && !ns.equals("default") && !ns.equals("kube-system")) {
                errs.add(FieldError.invalid(involvedNsPath, involvedNs, "does not match event.namespace"));
            }
            String controller = text(event, "reportingComponent");
            if (controller.isEmpty()) {
                errs.add(FieldError.required(FieldPath.root("reportingComponent"), ""));
            }
            errs.addAll(NameRules.validateQualifiedName(controller, FieldPath.root("reportingComponent")));
            errs.addAll(limited(event, "reportingInstance", 128, true));
            errs.addAll(limited(event, "action", 128, true));
            errs.addAll(limited(event, "reason", 128, true));
            errs.addAll(limited(event, "message", 1024, false));
        }
        for (String m : NameRules.isDns1123Subdomain(ns)) {
            errs.add(FieldError.invalid(FieldPath.root("namespace"), ns, m));
        }
        return errs;
    }

    private static List<FieldError> limited(JsonNode event, String field, int max, boolean required) {
        List<FieldError> errs = new ArrayList<>();
        String v = text(event, field);
        if (required && v.isEmpty()) {
            errs.add(FieldError.required(FieldPath.root(field), ""));
        }
        if (v.length() > max) {
            errs.add(FieldError.invalid(FieldPath.root(field), "", "can have at most " + max + " characters"));
        }
        return errs;
    }

    // ------------------------------------------------------------------ nodes

    public static List<FieldError> validateNode(JsonNode node) {
        List<FieldError> errs = new ArrayList<>(validateTaints(node.path("spec").path("taints"),
                FieldPath.of("metadata", "taints")));
        for (String f : List.of("capacity", "allocatable")) {
            for (var it = node.path("status").path(f).fields(); it.hasNext(); ) {
                var e = it.next();
                errs.addAll(PodSpecValidation.quantityValue(e.getKey(), e.getValue(), FieldPath.of("status", f, e.getKey())));
            }
        }
        JsonNode cidrs = node.path("spec").path("podCIDRs");
        int i = 0;
        Set<String> seen = new HashSet<>();
        for (JsonNode c : cidrs) {
            FieldPath p = FieldPath.of("spec", "podCIDRs").index(i++);
            if (!ValueFormats.isCidr(c.asText())) {
                errs.add(FieldError.invalid(p, c.asText(), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
            if (!seen.add(c.asText())) {
                errs.add(FieldError.duplicate(p, c.asText()));
            }
        }
        return errs;
    }

    private static List<FieldError> validateTaints(JsonNode taints, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        int i = 0;
        for (JsonNode t : taints) {
            FieldPath p = path.index(i++);
            String key = text(t, "key");
            errs.addAll(NameRules.validateQualifiedName(key, p.child("key")));
            List<String> vm = NameRules.isValidLabelValue(text(t, "value"));
            if (!vm.isEmpty()) {
                errs.add(FieldError.invalid(p.child("value"), text(t, "value"), String.join(";", vm)));
            }
            errs.addAll(PodSpecValidation.taintEffect(text(t, "effect"), p.child("effect")));
            if (!unique.add(text(t, "effect") + "\u0000" + key)) {
                errs.add(new FieldError(io.kube4j.apimachinery.validation.ErrorType.DUPLICATE, p.toString(),
                        new GoLiteral("core.Taint{Key:\"" + key + "\", Value:\"" + text(t, "value") + "\", Effect:\""
                                + text(t, "effect") + "\", TimeAdded:<nil>}"), "taints must be unique by key and effect pair"));
            }
        }
        return errs;
    }

    public static List<FieldError> validateNodeUpdate(JsonNode node, JsonNode old) {
        List<FieldError> errs = new ArrayList<>(validateNode(node));
        JsonNode oldCidrs = old.path("spec").path("podCIDRs");
        JsonNode cidrs = node.path("spec").path("podCIDRs");
        String msg = "node updates may not change podCIDR except from \"\" to valid";
        if (oldCidrs.size() > 0) {
            if (oldCidrs.size() != cidrs.size()) {
                errs.add(FieldError.forbidden(FieldPath.of("spec", "podCIDRs"), msg));
            } else {
                for (int i = 0; i < oldCidrs.size(); i++) {
                    if (!oldCidrs.get(i).asText().equals(cidrs.get(i).asText())) {
                        errs.add(FieldError.forbidden(FieldPath.of("spec", "podCIDRs"), msg));
                    }
                }
            }
        }
        String oldProvider = text(old.path("spec"), "providerID");
        if (!oldProvider.isEmpty() && !oldProvider.equals(text(node.path("spec"), "providerID"))) {
            errs.add(FieldError.forbidden(FieldPath.of("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"));
        }
        if (!Objects.equals(Json.text(node.path("spec"), "externalID"), Json.text(old.path("spec"), "externalID"))) {
            errs.add(FieldError.forbidden(FieldPath.of("spec", "externalID"), "may not be updated"));
        }
        return errs;
    }

    // ------------------------------------------------------------------ persistent volumes and claims

    public static List<FieldError> validatePersistentVolume(JsonNode pv) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath sp = FieldPath.root("spec");
        JsonNode spec = pv.path("spec");
        errs.addAll(accessModes(spec.path("accessModes"), sp.child("accessModes"), ""));
        JsonNode capacity = spec.path("capacity");
        if (capacity.size() == 0) {
            errs.add(FieldError.required(sp.child("capacity"), ""));
        }
        if (!capacity.has("storage") || capacity.size() > 1) {
            errs.add(FieldError.notSupported(sp.child("capacity"), new GoLiteral(resourceList(capacity)), List.of("storage")));
        }
        for (var it = capacity.fields(); it.hasNext(); ) {
            var e = it.next();
            FieldPath p = sp.child("capacity").key(e.getKey());
            BigDecimal q = Quantity.parse(e.getValue());
            if (q == null) {
                errs.add(FieldError.invalid(p, Quantity.text(e.getValue()), Quantity.FORMAT_ERROR));
            } else if (q.signum() <= 0) {
                errs.add(FieldError.invalid(p, Quantity.text(e.getValue()), "must be greater than zero"));
            }
        }
        String reclaim = text(spec, "persistentVolumeReclaimPolicy");
        if (!reclaim.isEmpty() && !RECLAIM_POLICIES.contains(reclaim)) {
            errs.add(FieldError.notSupported(sp.child("persistentVolumeReclaimPolicy"), reclaim, RECLAIM_POLICIES));
        }
        int sources = 0;
        for (String s : PV_SOURCES) {
            if (spec.hasNonNull(s)) {
                if (sources > 0) {
                    errs.add(FieldError.forbidden(sp.child(s), "may not specify more than 1 volume type"));
                }
                sources++;
            }
        }
        if (sources == 0) {
            errs.add(FieldError.required(sp, "must specify a volume type"));
        }
        if (spec.hasNonNull("volumeMode") && !VOLUME_MODES.contains(text(spec, "volumeMode"))) {
            errs.add(FieldError.notSupported(sp.child("volumeMode"), text(spec, "volumeMode"), VOLUME_MODES));
        }
        if (spec.hasNonNull("hostPath") && text(spec.get("hostPath"), "path").isEmpty()) {
            errs.add(FieldError.required(sp.child("hostPath").child("path"), ""));
        }
        if (spec.hasNonNull("local") && text(spec.get("local"), "path").isEmpty()) {
            errs.add(FieldError.required(sp.child("local").child("path"), ""));
        }
        return errs;
    }

    public static List<FieldError> validatePersistentVolumeClaim(JsonNode pvc) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath sp = FieldPath.root("spec");
        JsonNode spec = pvc.path("spec");
        errs.addAll(accessModes(spec.path("accessModes"), sp.child("accessModes"), "at least 1 access mode is required"));
        JsonNode storage = spec.path("resources").path("requests").get("storage");
        FieldPath storagePath = sp.child("resources").key("storage");
        if (storage == null) {
            errs.add(FieldError.required(storagePath, ""));
        } else {
            BigDecimal q = Quantity.parse(storage);
            if (q == null) {
                errs.add(FieldError.invalid(storagePath, Quantity.text(storage), Quantity.FORMAT_ERROR));
            } else if (q.signum() <= 0) {
                errs.add(FieldError.invalid(storagePath, Quantity.text(storage), "must be greater than zero"));
            }
        }
        String sc = text(spec, "storageClassName");
        if (!sc.isEmpty()) {
            for (String m : NameRules.isDns1123Subdomain(sc)) {
                errs.add(FieldError.invalid(sp.child("storageClassName"), sc, m));
            }
        }
        if (spec.hasNonNull("volumeMode") && !VOLUME_MODES.contains(text(spec, "volumeMode"))) {
            errs.add(FieldError.notSupported(sp.child("volumeMode"), text(spec, "volumeMode"), VOLUME_MODES));
        }
        return errs;
    }

    /**
     * ValidatePersistentVolumeClaimUpdate's spec rule: only the storage request (of a bound claim)
     * and an unset volumeName may change.
     */
    public static List<FieldError> validatePersistentVolumeClaimUpdate(JsonNode pvc, JsonNode old) {
        List<FieldError> errs = new ArrayList<>(validatePersistentVolumeClaim(pvc));
        var spec = (com.fasterxml.jackson.databind.node.ObjectNode) pvc.path("spec").deepCopy();
        var oldSpec = (com.fasterxml.jackson.databind.node.ObjectNode) old.path("spec").deepCopy();
        if (text(oldSpec, "volumeName").isEmpty()) {
            oldSpec.remove("volumeName");
            spec.remove("volumeName");
        }
        boolean bound = "Bound".equals(text(pvc.path("status"), "phase"));
        if (bound && spec.path("resources").path("requests").isObject()) {
            JsonNode oldStorage = old.path("spec").path("resources").path("requests").get("storage");
            var req = (com.fasterxml.jackson.databind.node.ObjectNode) spec.path("resources").path("requests");
            if (oldStorage == null) {
                req.remove("storage");
            } else {
                req.set("storage", oldStorage.deepCopy());
            }
        }
        if (!spec.equals(oldSpec)) {
            errs.add(FieldError.forbidden(FieldPath.root("spec"),
                    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n"
                            + SpecDiff.diff(oldSpec, spec)));
        }
        BigDecimal now = Quantity.parse(pvc.path("spec").path("resources").path("requests").get("storage"));
        BigDecimal before = Quantity.parse(old.path("spec").path("resources").path("requests").get("storage"));
        if (now != null && before != null && now.compareTo(before) < 0) {
            errs.add(FieldError.forbidden(FieldPath.of("spec", "resources", "requests", "storage"), "field can not be less than previous value"));
        }
        return errs;
    }

    private static List<FieldError> accessModes(JsonNode modes, FieldPath p, String requiredDetail) {
        List<FieldError> errs = new ArrayList<>();
        if (modes.size() == 0) {
            errs.add(FieldError.required(p, requiredDetail));
        }
        boolean rwop = false;
        boolean other = false;
        for (JsonNode m : modes) {
            if (!ACCESS_MODES.contains(m.asText())) {
                errs.add(FieldError.notSupported(p, m.asText(), ACCESS_MODES));
            } else if (m.asText().equals("ReadWriteOncePod")) {
                rwop = true;
            } else {
                other = true;
            }
        }
        if (rwop && other) {
            errs.add(FieldError.forbidden(p, "may not use ReadWriteOncePod with other access modes"));
        }
        return errs;
    }

    private static String resourceList(JsonNode list) {
        StringBuilder s = new StringBuilder("core.ResourceList{");
        boolean first = true;
        for (var it = list.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!first) {
                s.append(", ");
            }
            s.append('"').append(e.getKey()).append("\":\"").append(e.getValue().asText()).append('"');
            first = false;
        }
        return s.append('}').toString();
    }

    // ------------------------------------------------------------------ replication controllers, templates

    public static List<FieldError> validateReplicationController(JsonNode rc) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath sp = FieldPath.root("spec");
        JsonNode spec = rc.path("spec");
        long minReady = spec.path("minReadySeconds").asLong(0);
        if (minReady < 0) {
            errs.add(FieldError.invalid(sp.child("minReadySeconds"), minReady, ValueFormats.NON_NEGATIVE));
        }
        JsonNode selector = spec.path("selector");
        if (selector.size() == 0) {
            errs.add(FieldError.required(sp.child("selector"), ""));
        }
        long replicas = spec.path("replicas").asLong(0);
        if (replicas < 0) {
            errs.add(FieldError.invalid(sp.child("replicas"), replicas, ValueFormats.NON_NEGATIVE));
        }
        JsonNode template = spec.get("template");
        FieldPath tp = sp.child("template");
        if (template == null || template.isNull()) {
            errs.add(FieldError.required(tp, ""));
            return errs;
        }
        JsonNode labels = template.path("metadata").path("labels");
        if (selector.size() > 0) {
            boolean matches = true;
            for (var it = selector.fields(); it.hasNext(); ) {
                var e = it.next();
                matches &= labels.has(e.getKey()) && labels.get(e.getKey()).asText().equals(e.getValue().asText());
            }
            if (!matches) {
                errs.add(FieldError.invalid(tp.child("metadata").child("labels"), GoLiteral.stringMap(labels),
                        "`selector` does not match template `labels`"));
            }
        }
        errs.addAll(PodSpecValidation.validatePodTemplateSpec(template, tp));
        String restart = text(template.path("spec"), "restartPolicy");
        if (!restart.equals("Always")) {
            errs.add(FieldError.notSupported(tp.child("spec").child("restartPolicy"), restart, List.of("Always")));
        }
        if (template.path("spec").hasNonNull("activeDeadlineSeconds")) {
            errs.add(FieldError.forbidden(tp.child("spec").child("activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicationController is not Supported"));
        }
        return errs;
    }

    /** ValidateReplicationControllerStatus: counts non-negative and consistent. */
    public static List<FieldError> validateReplicationControllerStatus(JsonNode rc) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode st = rc.path("status");
        FieldPath p = FieldPath.root("status");
        for (String f : List.of("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration")) {
            long v = st.path(f).asLong(0);
            if (v < 0) {
                errs.add(FieldError.invalid(p.child(f), v, ValueFormats.NON_NEGATIVE));
            }
        }
        long replicas = st.path("replicas").asLong(0);
        for (String f : List.of("fullyLabeledReplicas", "readyReplicas", "availableReplicas")) {
            long v = st.path(f).asLong(0);
            if (v > replicas) {
                errs.add(FieldError.invalid(p.child(f), v, "cannot be greater than status.replicas"));
            }
        }
        if (st.path("availableReplicas").asLong(0) > st.path("readyReplicas").asLong(0)) {
            errs.add(FieldError.invalid(p.child("availableReplicas"), st.path("availableReplicas").asLong(0),
                    "cannot be greater than readyReplicas"));
        }
        return errs;
    }

    public static List<FieldError> validatePodTemplate(JsonNode pt) {
        return PodSpecValidation.validatePodTemplateSpec(pt.path("template"), FieldPath.root("template"));
    }

    // ------------------------------------------------------------------ limit ranges and quotas

    public static List<FieldError> validateLimitRange(JsonNode lr) {
        List<FieldError> errs = new ArrayList<>();
        Set<String> types = new HashSet<>();
        int i = 0;
        for (JsonNode limit : lr.path("spec").path("limits")) {
            FieldPath p = FieldPath.of("spec", "limits").index(i++);
            String type = text(limit, "type");
            List<FieldError> typeErrs = new ArrayList<>(NameRules.validateQualifiedName(type, p.child("type")));
            if (typeErrs.isEmpty() && !type.contains("/") && !List.of("Pod", "Container", "PersistentVolumeClaim").contains(type)) {
                typeErrs.add(FieldError.invalid(p.child("type"), type, "must be a standard limit type or fully qualified"));
            }
            errs.addAll(typeErrs);
            if (!types.add(type)) {
                errs.add(FieldError.duplicate(p.child("type"), type));
            }
            if (type.equals("Pod")) {
                if (limit.path("default").size() > 0) {
                    errs.add(FieldError.forbidden(p.child("default"), "may not be specified when `type` is 'Pod'"));
                }
                if (limit.path("defaultRequest").size() > 0) {
                    errs.add(FieldError.forbidden(p.child("defaultRequest"), "may not be specified when `type` is 'Pod'"));
                }
            }
            if (type.equals("PersistentVolumeClaim") && !limit.path("min").has("storage") && !limit.path("max").has("storage")) {
                errs.add(FieldError.required(p.child("limits"), "either minimum or maximum storage value is required, but neither was provided"));
            }
            Set<String> keys = new HashSet<>();
            for (String f : List.of("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")) {
                limit.path(f).fieldNames().forEachRemaining(keys::add);
            }
            for (String k : keys) {
                JsonNode min = limit.path("min").get(k);
                JsonNode max = limit.path("max").get(k);
                JsonNode def = limit.path("default").get(k);
                JsonNode defReq = limit.path("defaultRequest").get(k);
                JsonNode ratio = limit.path("maxLimitRequestRatio").get(k);
                if (greater(min, max)) {
                    errs.add(FieldError.invalid(p.child("min").key(k), new GoLiteral(Quantity.text(min)),
                            "min value " + Quantity.text(min) + " is greater than max value " + Quantity.text(max)));
                }
                if (greater(min, defReq)) {
                    errs.add(FieldError.invalid(p.child("defaultRequest").key(k), new GoLiteral(Quantity.text(defReq)),
                            "min value " + Quantity.text(min) + " is greater than default request value " + Quantity.text(defReq)));
                }
                if (greater(defReq, max)) {
                    errs.add(FieldError.invalid(p.child("defaultRequest").key(k), new GoLiteral(Quantity.text(defReq)),
                            "default request value " + Quantity.text(defReq) + " is greater than max value " + Quantity.text(max)));
                }
                if (greater(defReq, def)) {
                    errs.add(FieldError.invalid(p.child("defaultRequest").key(k), new GoLiteral(Quantity.text(defReq)),
                            "default request value " + Quantity.text(defReq) + " is greater than default limit value " + Quantity.text(def)));
                }
                if (greater(min, def)) {
                    errs.add(FieldError.invalid(p.child("default").key(k), new GoLiteral(Quantity.text(min)),
                            "min value " + Quantity.text(min) + " is greater than default value " + Quantity.text(def)));
                }
                if (greater(def, max)) {
                    errs.add(FieldError.invalid(p.child("default").key(k), new GoLiteral(Quantity.text(max)),
                            "default value " + Quantity.text(def) + " is greater than max value " + Quantity.text(max)));
                }
                BigDecimal r = Quantity.parse(ratio);
                if (r != null && r.compareTo(BigDecimal.ONE) < 0) {
                    errs.add(FieldError.invalid(p.child("maxLimitRequestRatio").key(k), new GoLiteral(Quantity.text(ratio)),
                            "ratio " + Quantity.text(ratio) + " is less than 1"));
                }
            }
        }
        return errs;
    }

    private static boolean greater(JsonNode a, JsonNode b) {
        BigDecimal x = Quantity.parse(a);
        BigDecimal y = Quantity.parse(b);
        return x != null && y != null && x.compareTo(y) > 0;
    }

    public static List<FieldError> validateResourceQuota(JsonNode rq) {
        List<FieldError> errs = new ArrayList<>(quotaList(rq.path("spec").path("hard"), FieldPath.of("spec", "hard")));
        List<String> scopes = new ArrayList<>();
        rq.path("spec").path("scopes").forEach(s -> scopes.add(s.asText()));
        Set<String> valid = Set.of("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                "CrossNamespacePodAffinity");
        for (String s : scopes) {
            if (!valid.contains(s)) {
                errs.add(FieldError.invalid(FieldPath.of("spec", "scopes"), GoLiteral.strings(scopes), "unsupported scope"));
            }
        }
        if ((scopes.contains("BestEffort") && scopes.contains("NotBestEffort"))
                || (scopes.contains("Terminating") && scopes.contains("NotTerminating"))) {
            errs.add(FieldError.invalid(FieldPath.of("spec", "scopes"), GoLiteral.strings(scopes), "conflicting scopes"));
        }
        return errs;
    }

    public static List<FieldError> validateResourceQuotaStatus(JsonNode rq) {
        List<FieldError> errs = new ArrayList<>(quotaList(rq.path("status").path("hard"), FieldPath.of("status", "hard")));
        errs.addAll(quotaList(rq.path("status").path("used"), FieldPath.of("status", "used")));
        return errs;
    }

    public static List<FieldError> validateResourceQuotaUpdate(JsonNode rq, JsonNode old) {
        List<FieldError> errs = new ArrayList<>(validateResourceQuota(rq));
        Set<String> a = new HashSet<>();
        Set<String> b = new HashSet<>();
        rq.path("spec").path("scopes").forEach(s -> a.add(s.asText()));
        old.path("spec").path("scopes").forEach(s -> b.add(s.asText()));
        if (!a.equals(b)) {
            errs.add(FieldError.invalid(FieldPath.of("spec", "scopes"), GoLiteral.strings(rq.path("spec").path("scopes")),
                    ValueFormats.IMMUTABLE));
        }
        return errs;
    }

    private static List<FieldError> quotaList(JsonNode list, FieldPath path) {
        List<FieldError> errs = new ArrayList<>();
        for (var it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath p = path.key(e.getKey());
            String name = e.getKey();
            List<FieldError> nameErrs = new ArrayList<>(NameRules.validateQualifiedName(name, p));
            if (nameErrs.isEmpty() && !name.contains("/")) {
                if (!ResourceNames.isStandardResourceName(name)) {
                    nameErrs.add(FieldError.invalid(p, name, "must be a standard resource type or fully qualified"));
                } else if (!ResourceNames.isStandardQuotaResourceName(name)) {
                    nameErrs.add(FieldError.invalid(p, name, "must be a standard resource for quota"));
                }
            }
            errs.addAll(nameErrs);
            errs.addAll(PodSpecValidation.quantityValue(name, e.getValue(), p));
        }
        return errs;
    }

    static String text(JsonNode node, String field) {
        return Objects.requireNonNullElse(Json.text(node, field), "");
    }
}
