package io.kube4j.apiserver.resources.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.core.GoLiteral;
import io.kube4j.apiserver.validation.core.ServiceValidation;
import io.kube4j.apiserver.validation.core.ValueFormats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Services: upstream's v1 defaults, IP family defaulting for a single-stack IPv4 cluster, cluster
 * IP and node port allocation on create and on type changes, and upstream's create and update
 * validation. Allocation happens in prepareForCreate/prepareForUpdate (upstream allocates before
 * validating, too) and fails with upstream's Invalid errors. Thread-safe: the allocators
 * synchronize.
 */
public final class ServiceStrategy implements Strategy {
    private static final FieldPath SPEC = FieldPath.root("spec");

    private final ClusterIpAllocator ips;
    private final NodePortAllocator nodePorts;

    public ServiceStrategy(ClusterIpAllocator ips, NodePortAllocator nodePorts) {
        this.ips = ips;
        this.nodePorts = nodePorts;
    }

    /** "namespace/name" of a service: the owner recorded for its allocations. */
    static String owner(JsonNode svc) {
        JsonNode meta = svc.path("metadata");
        return meta.path("namespace").asText("") + "/" + meta.path("name").asText("");
    }

    static String type(JsonNode spec) {
        return spec.path("type").asText("");
    }

    static boolean needsClusterIP(JsonNode spec) {
        return !type(spec).equals("ExternalName");
    }

    static boolean needsNodePorts(JsonNode spec) {
        String t = type(spec);
        return t.equals("NodePort") || (t.equals("LoadBalancer") && spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    }

    @Override
    public void applyDefaults(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        if (text(spec, "sessionAffinity").isEmpty()) {
            spec.put("sessionAffinity", "None");
        }
        if (text(spec, "sessionAffinity").equals("None")) {
            spec.remove("sessionAffinityConfig");
        }
        if (text(spec, "sessionAffinity").equals("ClientIP")
                && Json.at(spec, "sessionAffinityConfig", "clientIP", "timeoutSeconds") == null) {
            spec.putObject("sessionAffinityConfig").putObject("clientIP").put("timeoutSeconds", 10800);
        }
        if (text(spec, "type").isEmpty()) {
            spec.put("type", "ClusterIP");
        }
        for (JsonNode p : spec.path("ports")) {
            if (p instanceof ObjectNode port) {
                if (text(port, "protocol").isEmpty()) {
                    port.put("protocol", "TCP");
                }
                JsonNode target = port.get("targetPort");
                if (target == null || target.isNull() || (target.isNumber() && target.asInt() == 0)
                        || (target.isTextual() && target.asText().isEmpty())) {
                    port.set("targetPort", port.path("port").deepCopy());
                }
            }
        }
        if (ServiceValidation.externallyAccessible(spec) && text(spec, "externalTrafficPolicy").isEmpty()) {
            spec.put("externalTrafficPolicy", "Cluster");
        }
        if (!spec.hasNonNull("internalTrafficPolicy") && List.of("NodePort", "LoadBalancer", "ClusterIP").contains(type(spec))) {
            spec.put("internalTrafficPolicy", "Cluster");
        }
        if (type(spec).equals("LoadBalancer") && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
            spec.put("allocateLoadBalancerNodePorts", true);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        obj.remove("status");
        obj.putObject("status").putObject("loadBalancer");
        ObjectNode spec = Json.with(obj, "spec");
        normalizeClusterIPs(spec, null);
        List<FieldError> pre = ServiceValidation.validateClusterIPsRelatedFields(obj);
        if (!pre.isEmpty()) {
            throw invalid(obj, pre);
        }
        List<FieldError> errs = new ArrayList<>();
        if (needsClusterIP(spec)) {
            errs.addAll(initIpFamilies(obj));
            if (errs.isEmpty()) {
                errs.addAll(allocateClusterIP(obj));
            }
        }
        if (errs.isEmpty() && needsNodePorts(spec)) {
            errs.addAll(allocateNodePorts(obj, null));
        }
        if (!errs.isEmpty()) {
            throw invalid(obj, errs);
        }
    }

    @Override
    public void prepareForUpdate(ObjectNode obj, ObjectNode old) {
        ObjectNode spec = Json.with(obj, "spec");
        JsonNode oldSpec = old.path("spec");
        normalizeClusterIPs(spec, oldSpec);
        patchAllocatedValues(spec, oldSpec);
        dropTypeDependentFields(spec, oldSpec);
        List<FieldError> errs = new ArrayList<>();
        if (needsClusterIP(spec) && !needsClusterIP(oldSpec)) {
            List<FieldError> pre = ServiceValidation.validateClusterIPsRelatedFields(obj);
            if (!pre.isEmpty()) {
                throw invalid(obj, pre);
            }
            errs.addAll(initIpFamilies(obj));
            if (errs.isEmpty()) {
                errs.addAll(allocateClusterIP(obj));
            }
        }
        if (errs.isEmpty() && needsNodePorts(spec)) {
            errs.addAll(allocateNodePorts(obj, needsNodePorts(oldSpec) ? oldSpec : null));
        }
        if (!errs.isEmpty()) {
            throw invalid(obj, errs);
        }
    }

    private static StatusException invalid(JsonNode obj, List<FieldError> errs) {
        return StatusException.invalid("", "Service", obj.path("metadata").path("name").asText(""), errs);
    }

    /** Keeps clusterIP and clusterIPs in step, as upstream's NormalizeClusterIPs. */
    static void normalizeClusterIPs(ObjectNode spec, JsonNode oldSpec) {
        String ip = text(spec, "clusterIP");
        JsonNode list = spec.get("clusterIPs");
        boolean listEmpty = list == null || !list.isArray() || list.isEmpty();
        if (!ip.isEmpty() && listEmpty) {
            if (oldSpec != null && ip.equals(text(oldSpec, "clusterIP")) && oldSpec.path("clusterIPs").size() > 0) {
                spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
            } else {
                spec.putArray("clusterIPs").add(ip);
            }
        } else if (ip.isEmpty() && !listEmpty) {
            spec.put("clusterIP", list.get(0).asText());
        }
    }

    /** Copies allocated values the client left out of an update, as upstream's patchAllocatedValues. */
    private static void patchAllocatedValues(ObjectNode spec, JsonNode oldSpec) {
        if (needsClusterIP(oldSpec) && needsClusterIP(spec)) {
            if (text(spec, "clusterIP").isEmpty() && oldSpec.hasNonNull("clusterIP")) {
                spec.set("clusterIP", oldSpec.get("clusterIP").deepCopy());
            }
            if (spec.path("clusterIPs").size() == 0 && oldSpec.has("clusterIPs")) {
                spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
            }
            if (spec.path("ipFamilies").size() == 0 && oldSpec.has("ipFamilies")) {
                spec.set("ipFamilies", oldSpec.get("ipFamilies").deepCopy());
            }
            if (!spec.hasNonNull("ipFamilyPolicy") && oldSpec.has("ipFamilyPolicy")) {
                spec.set("ipFamilyPolicy", oldSpec.get("ipFamilyPolicy").deepCopy());
            }
        }
        if (needsNodePorts(oldSpec) && needsNodePorts(spec)) {
            Set<Long> oldUsed = nodePortSet(oldSpec);
            Set<Long> newUsed = nodePortSet(spec);
            oldUsed.retainAll(newUsed);
            Map<String, Long> byName = new HashMap<>();
            oldSpec.path("ports").forEach(p -> byName.put(p.path("name").asText(""), p.path("nodePort").asLong(0)));
            for (JsonNode p : spec.path("ports")) {
                if (p instanceof ObjectNode port && port.path("nodePort").asLong(0) == 0) {
                    Long old = byName.get(port.path("name").asText(""));
                    if (old != null && old != 0 && !oldUsed.contains(old)) {
                        port.put("nodePort", old);
                    }
                }
            }
        }
        if (oldSpec.path("healthCheckNodePort").asLong(0) != 0 && spec.path("healthCheckNodePort").asLong(0) == 0
                && type(spec).equals("LoadBalancer") && text(spec, "externalTrafficPolicy").equals("Local")) {
            spec.set("healthCheckNodePort", oldSpec.get("healthCheckNodePort").deepCopy());
        }
    }

    private static Set<Long> nodePortSet(JsonNode spec) {
        Set<Long> out = new HashSet<>();
        spec.path("ports").forEach(p -> {
            if (p.path("nodePort").asLong(0) != 0) {
                out.add(p.path("nodePort").asLong());
            }
        });
        return out;
    }

    /** Clears values the new type does not use when the client left them unchanged. */
    private static void dropTypeDependentFields(ObjectNode spec, JsonNode oldSpec) {
        if (needsClusterIP(oldSpec) && !needsClusterIP(spec)) {
            if (Objects.equals(spec.get("clusterIPs"), oldSpec.get("clusterIPs"))
                    && Objects.equals(spec.get("clusterIP"), oldSpec.get("clusterIP"))) {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            if (Objects.equals(spec.get("ipFamilies"), oldSpec.get("ipFamilies"))) {
                spec.remove("ipFamilies");
            }
            if (Objects.equals(spec.get("ipFamilyPolicy"), oldSpec.get("ipFamilyPolicy"))) {
                spec.remove("ipFamilyPolicy");
            }
        }
        if (needsNodePorts(oldSpec) && !needsNodePorts(spec)) {
            JsonNode oldPorts = oldSpec.path("ports");
            int i = 0;
            for (JsonNode p : spec.path("ports")) {
                if (p instanceof ObjectNode port && i < oldPorts.size()
                        && port.path("nodePort").asLong(0) == oldPorts.get(i).path("nodePort").asLong(-1)) {
                    port.remove("nodePort");
                }
                i++;
            }
        }
        if (!ServiceValidation.externallyAccessible(spec) && ServiceValidation.externallyAccessible(oldSpec)
                && Objects.equals(spec.get("externalTrafficPolicy"), oldSpec.get("externalTrafficPolicy"))) {
            spec.remove("externalTrafficPolicy");
        }
        boolean healthCheck = type(spec).equals("LoadBalancer") && text(spec, "externalTrafficPolicy").equals("Local");
        if (!healthCheck && Objects.equals(spec.get("healthCheckNodePort"), oldSpec.get("healthCheckNodePort"))) {
            spec.remove("healthCheckNodePort");
        }
        if (!type(spec).equals("LoadBalancer") && type(oldSpec).equals("LoadBalancer")) {
            for (String f : List.of("allocateLoadBalancerNodePorts", "loadBalancerClass")) {
                if (Objects.equals(spec.get(f), oldSpec.get(f))) {
                    spec.remove(f);
                }
            }
        }
    }

    /** Defaults ipFamilies and ipFamilyPolicy for this single-stack IPv4 cluster. */
    private static List<FieldError> initIpFamilies(ObjectNode svc) {
        ObjectNode spec = Json.with(svc, "spec");
        List<FieldError> errs = new ArrayList<>();
        JsonNode fams = spec.path("ipFamilies");
        if (!spec.hasNonNull("ipFamilyPolicy") && fams.size() == 2) {
            spec.put("ipFamilyPolicy", "RequireDualStack");
        }
        boolean headless = "None".equals(text(spec, "clusterIP"));
        if (headless && spec.path("selector").size() == 0) {
            if (!spec.hasNonNull("ipFamilyPolicy")) {
                spec.put("ipFamilyPolicy", "RequireDualStack");
            }
            if (fams.size() == 0) {
                spec.putArray("ipFamilies").add("IPv4");
            }
            ArrayNode list = (ArrayNode) spec.get("ipFamilies");
            if (list.size() < 2 && !text(spec, "ipFamilyPolicy").equals("SingleStack")) {
                list.add(list.get(0).asText().equals("IPv4") ? "IPv6" : "IPv4");
            }
            return errs;
        }
        int i = 0;
        for (JsonNode f : fams) {
            if (!f.asText().equals("IPv4")) {
                errs.add(FieldError.invalid(SPEC.child("ipFamilies").index(i), f.asText(), "not configured on this cluster"));
            }
            i++;
        }
        if (text(spec, "ipFamilyPolicy").equals("RequireDualStack")) {
            errs.add(FieldError.invalid(SPEC.child("ipFamilyPolicy"), "RequireDualStack",
                    "this cluster is not configured for dual-stack services"));
        }
        if (!errs.isEmpty()) {
            return errs;
        }
        if (!spec.hasNonNull("ipFamilyPolicy")) {
            spec.put("ipFamilyPolicy", "SingleStack");
        }
        if (fams.size() == 0) {
            spec.putArray("ipFamilies").add("IPv4");
        }
        return errs;
    }

    private List<FieldError> allocateClusterIP(ObjectNode svc) {
        ObjectNode spec = Json.with(svc, "spec");
        String ip = text(spec, "clusterIP");
        if (ip.equals("None")) {
            return List.of();
        }
        ClusterIpAllocator.Result r = ip.isEmpty() ? ips.allocateNext(owner(svc)) : ips.allocate(ip, owner(svc));
        if (r.error() != null) {
            List<String> requested = new ArrayList<>();
            spec.path("clusterIPs").forEach(v -> requested.add(v.asText()));
            String detail = ip.isEmpty() ? "failed to allocate a serviceIP: " + r.error()
                    : "failed to allocate IP " + ip + ": " + r.error();
            return List.of(FieldError.invalid(SPEC.child("clusterIPs"), GoLiteral.strings(requested), detail));
        }
        spec.put("clusterIP", r.ip());
        spec.putArray("clusterIPs").add(r.ip());
        return List.of();
    }

    /** Allocates node ports; ports already held by {@code oldSpec} (on update) are kept as they are. */
    private List<FieldError> allocateNodePorts(ObjectNode svc, JsonNode oldSpec) {
        List<FieldError> errs = new ArrayList<>();
        ObjectNode spec = Json.with(svc, "spec");
        Set<Long> held = oldSpec == null ? Set.of() : nodePortSet(oldSpec);
        List<Integer> taken = new ArrayList<>();
        int i = 0;
        for (JsonNode p : spec.path("ports")) {
            long np = p.path("nodePort").asLong(0);
            if (np != 0) {
                taken.add((int) np);
                if (!held.contains(np)) {
                    NodePortAllocator.Result r = nodePorts.allocate((int) np, owner(svc));
                    if (r.error() != null) {
                        errs.add(FieldError.invalid(SPEC.child("ports").index(i).child("nodePort"), np, r.error()));
                    }
                }
            }
            i++;
        }
        i = 0;
        for (JsonNode p : spec.path("ports")) {
            if (p instanceof ObjectNode port && port.path("nodePort").asLong(0) == 0) {
                NodePortAllocator.Result r = nodePorts.allocateNext(owner(svc), taken);
                if (r.error() != null) {
                    errs.add(FieldError.invalid(SPEC.child("ports").index(i).child("nodePort"), 0,
                            "failed to allocate a nodePort: " + r.error()));
                } else {
                    port.put("nodePort", r.port());
                    taken.add(r.port());
                }
            }
            i++;
        }
        if (type(spec).equals("LoadBalancer") && text(spec, "externalTrafficPolicy").equals("Local")) {
            long hc = spec.path("healthCheckNodePort").asLong(0);
            NodePortAllocator.Result r = hc == 0 ? nodePorts.allocateNext(owner(svc), taken)
                    : oldSpec != null && oldSpec.path("healthCheckNodePort").asLong(0) == hc ? new NodePortAllocator.Result((int) hc, null)
                    : nodePorts.allocate((int) hc, owner(svc));
            if (r.error() != null) {
                errs.add(FieldError.invalid(SPEC.child("healthCheckNodePort"), hc, r.error()));
            } else {
                spec.put("healthCheckNodePort", r.port());
            }
        }
        return errs;
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return ServiceValidation.validate(obj);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return ServiceValidation.validateUpdate(obj, old);
    }

    @Override
    public List<FieldError> validateSubresourceUpdate(String subresource, ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        int i = 0;
        for (JsonNode ing : obj.path("status").path("loadBalancer").path("ingress")) {
            String ip = ing.path("ip").asText("");
            if (!ip.isEmpty() && !ValueFormats.isIp(ip)) {
                errs.add(FieldError.invalid(FieldPath.of("status", "loadBalancer", "ingress").index(i).child("ip"), ip,
                        ValueFormats.INVALID_IP));
            }
            i++;
        }
        return errs;
    }

    @Override
    public boolean hasStatusSubresource() {
        return true;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        return Map.of("spec.clusterIP", spec.path("clusterIP").asText(""), "spec.type", spec.path("type").asText(""));
    }

    @Override
    public NameRule nameRule() {
        return NameRule.DNS1035_LABEL;
    }

    private static String text(JsonNode node, String field) {
        return Objects.requireNonNullElse(Json.text(node, field), "");
    }
}
