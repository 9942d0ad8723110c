package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Upstream's ValidateService and ValidateServiceUpdate on JSON trees. Caller: the service
 * strategy. Stateless; never throws.
 */
public final class ServiceValidation {
    static final FieldPath SPEC = FieldPath.root("spec");
    public static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    static final List<String> AFFINITIES = List.of("ClientIP", "None");
    static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
    static final List<String> FAMILIES = List.of("IPv4", "IPv6");
    static final List<String> FAMILY_POLICIES = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    static final int MAX_AFFINITY_SECONDS = 86400;

    private ServiceValidation() {
    }

    public static boolean isHeadless(JsonNode svc) {
        JsonNode ips = svc.path("spec").path("clusterIPs");
        return ips.size() == 1 && "None".equals(ips.get(0).asText());
    }

    /** Whether traffic from outside the cluster reaches the service: NodePort, LoadBalancer, external IPs. */
    public static boolean externallyAccessible(JsonNode spec) {
        String type = text(spec, "type");
        return type.equals("LoadBalancer") || type.equals("NodePort")
                || (type.equals("ClusterIP") && spec.path("externalIPs").size() > 0);
    }

    public static List<FieldError> validate(JsonNode svc) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = svc.path("spec");
        String type = text(spec, "type");
        boolean headless = isHeadless(svc);
        if (spec.path("ports").size() == 0 && !headless && !type.equals("ExternalName")) {
            errs.add(FieldError.required(SPEC.child("ports"), ""));
        }
        switch (type) {
            case "LoadBalancer", "NodePort" -> {
                if (headless) {
                    errs.add(FieldError.invalid(SPEC.child("clusterIPs").index(0), "None",
                            "may not be set to 'None' for " + type + " services"));
                }
            }
            case "ExternalName" -> {
                if (spec.path("clusterIPs").size() > 0) {
                    errs.add(FieldError.forbidden(SPEC.child("clusterIPs"), "may not be set for ExternalName services"));
                }
                if (spec.path("ipFamilies").size() > 0) {
                    errs.add(FieldError.forbidden(SPEC.child("ipFamilies"), "may not be set for ExternalName services"));
                }
                if (spec.hasNonNull("ipFamilyPolicy")) {
                    errs.add(FieldError.forbidden(SPEC.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
                }
                String cname = text(spec, "externalName");
                if (cname.endsWith(".")) {
                    cname = cname.substring(0, cname.length() - 1);
                }
                if (cname.isEmpty()) {
                    errs.add(FieldError.required(SPEC.child("externalName"), ""));
                } else {
                    for (String m : NameRules.isDns1123Subdomain(cname)) {
                        errs.add(FieldError.invalid(SPEC.child("externalName"), cname, m));
                    }
                }
            }
            default -> {
            }
        }
        Set<String> portNames = new HashSet<>();
        int i = 0;
        JsonNode ports = spec.path("ports");
        for (JsonNode port : ports) {
            errs.addAll(validatePort(port, ports.size() > 1, portNames, SPEC.child("ports").index(i++)));
        }
        errs.addAll(NameRules.validateLabels(spec.get("selector"), SPEC.child("selector")));
        String affinity = text(spec, "sessionAffinity");
        if (affinity.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("sessionAffinity"), ""));
        } else if (!AFFINITIES.contains(affinity)) {
            errs.add(FieldError.notSupported(SPEC.child("sessionAffinity"), affinity, AFFINITIES));
        }
        FieldPath cfgPath = SPEC.child("sessionAffinityConfig");
        JsonNode cfg = spec.get("sessionAffinityConfig");
        if (affinity.equals("ClientIP")) {
            String why = "when session affinity type is ClientIP";
            if (cfg == null || cfg.isNull()) {
                errs.add(FieldError.required(cfgPath, why));
            } else if (!cfg.hasNonNull("clientIP")) {
                errs.add(FieldError.required(cfgPath.child("clientIP"), why));
            } else if (!cfg.get("clientIP").hasNonNull("timeoutSeconds")) {
                errs.add(FieldError.required(cfgPath.child("clientIP").child("timeoutSeconds"), why));
            } else {
                long t = cfg.get("clientIP").get("timeoutSeconds").asLong();
                if (t <= 0 || t > MAX_AFFINITY_SECONDS) {
                    errs.add(FieldError.invalid(cfgPath.child("clientIP").child("timeoutSeconds"), t,
                            "must be greater than 0 and less than " + MAX_AFFINITY_SECONDS));
                }
            }
        } else if (affinity.equals("None") && cfg != null && !cfg.isNull()) {
            errs.add(FieldError.forbidden(cfgPath, "must not be set when session affinity is None"));
        }
        errs.addAll(validateClusterIPsRelatedFields(svc));
        i = 0;
        for (JsonNode ip : spec.path("externalIPs")) {
            FieldPath p = SPEC.child("externalIPs").index(i++);
            if (!ValueFormats.isIp(ip.asText())) {
                errs.add(FieldError.invalid(p, ip.asText(), ValueFormats.INVALID_IP));
            } else {
                for (String m : ValueFormats.nonSpecialIp(ip.asText())) {
                    errs.add(FieldError.invalid(p, ip.asText(), m));
                }
            }
        }
        if (type.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("type"), ""));
        } else if (!TYPES.contains(type)) {
            errs.add(FieldError.notSupported(SPEC.child("type"), type, TYPES));
        }
        if (type.equals("ClusterIP")) {
            i = 0;
            for (JsonNode port : ports) {
                if (port.path("nodePort").asLong(0) != 0) {
                    errs.add(FieldError.forbidden(SPEC.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
                }
                i++;
            }
        }
        Set<String> nodePorts = new HashSet<>();
        Set<String> portKeys = new HashSet<>();
        i = 0;
        for (JsonNode port : ports) {
            FieldPath p = SPEC.child("ports").index(i++);
            long np = port.path("nodePort").asLong(0);
            String proto = text(port, "protocol");
            if (np != 0 && !nodePorts.add(proto + "/" + np)) {
                errs.add(FieldError.duplicate(p.child("nodePort"), np));
            }
            long num = port.path("port").asLong(0);
            if (!portKeys.add(proto + "/" + num)) {
                errs.add(FieldError.duplicate(p, new GoLiteral("core.ServicePort{Name:\"\", Protocol:\"" + proto
                        + "\", AppProtocol:(*string)(nil), Port:" + num
                        + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}")));
            }
        }
        JsonNode ranges = spec.path("loadBalancerSourceRanges");
        if (ranges.size() > 0) {
            FieldPath rp = SPEC.child("LoadBalancerSourceRanges");
            if (!type.equals("LoadBalancer")) {
                errs.add(FieldError.forbidden(rp, "may only be used when `type` is 'LoadBalancer'"));
            }
            i = 0;
            for (JsonNode r : ranges) {
                String v = r.asText().strip();
                if (!ValueFormats.isCidr(v)) {
                    errs.add(FieldError.invalid(rp.index(i), v, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
                }
                i++;
            }
        }
        if (spec.hasNonNull("allocateLoadBalancerNodePorts") && !type.equals("LoadBalancer")) {
            errs.add(FieldError.forbidden(SPEC.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
        }
        if (type.equals("LoadBalancer") && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
            errs.add(FieldError.required(FieldPath.root("allocateLoadBalancerNodePorts"), ""));
        }
        if (spec.hasNonNull("loadBalancerClass")) {
            if (type.equals("LoadBalancer")) {
                errs.addAll(NameRules.validateQualifiedName(text(spec, "loadBalancerClass"), SPEC.child("loadBalancerClass")));
            } else {
                errs.add(FieldError.forbidden(SPEC.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
            }
        }
        String etp = text(spec, "externalTrafficPolicy");
        if (!externallyAccessible(spec)) {
            if (!etp.isEmpty()) {
                errs.add(FieldError.invalid(SPEC.child("externalTrafficPolicy"), etp, "may only be set for externally-accessible services"));
            }
        } else if (etp.isEmpty()) {
            errs.add(FieldError.required(SPEC.child("externalTrafficPolicy"), ""));
        } else if (!TRAFFIC_POLICIES.contains(etp)) {
            errs.add(FieldError.notSupported(SPEC.child("externalTrafficPolicy"), etp, TRAFFIC_POLICIES));
        }
        boolean needsHealthCheck = type.equals("LoadBalancer") && etp.equals("Local");
        long hc = spec.path("healthCheckNodePort").asLong(0);
        if (!needsHealthCheck && hc != 0) {
            errs.add(FieldError.invalid(SPEC.child("healthCheckNodePort"), hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        } else if (needsHealthCheck && hc == 0) {
            errs.add(FieldError.required(SPEC.child("healthCheckNodePort"), ""));
        }
        if (!spec.hasNonNull("internalTrafficPolicy")) {
            if (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP")) {
                errs.add(FieldError.required(SPEC.child("internalTrafficPolicy"), ""));
            }
        } else if (!TRAFFIC_POLICIES.contains(text(spec, "internalTrafficPolicy"))) {
            errs.add(FieldError.notSupported(SPEC.child("internalTrafficPolicy"), text(spec, "internalTrafficPolicy"), TRAFFIC_POLICIES));
        }
        if (spec.hasNonNull("trafficDistribution") && !text(spec, "trafficDistribution").equals("PreferClose")) {
            errs.add(FieldError.notSupported(SPEC.child("trafficDistribution"), text(spec, "trafficDistribution"), List.of("PreferClose")));
        }
        return errs;
    }

    private static List<FieldError> validatePort(JsonNode port, boolean requireName, Set<String> names, FieldPath p) {
        List<FieldError> errs = new ArrayList<>();
        String name = text(port, "name");
        if (requireName && name.isEmpty()) {
            errs.add(FieldError.required(p.child("name"), ""));
        } else if (!name.isEmpty()) {
            for (String m : NameRules.isDns1123Label(name)) {
                errs.add(FieldError.invalid(p.child("name"), name, m));
            }
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(p.child("name"), name));
            }
        }
        long num = port.path("port").asLong(0);
        for (String m : ValueFormats.isValidPortNum(num)) {
            errs.add(FieldError.invalid(p.child("port"), num, m));
        }
        String proto = text(port, "protocol");
        if (proto.isEmpty()) {
            errs.add(FieldError.required(p.child("protocol"), ""));
        } else if (!PodSpecValidation.PROTOCOLS.contains(proto)) {
            errs.add(FieldError.notSupported(p.child("protocol"), proto, PodSpecValidation.PROTOCOLS));
        }
        errs.addAll(PodSpecValidation.portNumOrName(port.get("targetPort"), p.child("targetPort")));
        if (port.hasNonNull("appProtocol")) {
            errs.addAll(NameRules.validateQualifiedName(text(port, "appProtocol"), p.child("appProtocol")));
        }
        return errs;
    }

    /** ValidateServiceClusterIPsRelatedFields: clusterIP/clusterIPs agreement, families, policy. */
    public static List<FieldError> validateClusterIPsRelatedFields(JsonNode svc) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = svc.path("spec");
        if (text(spec, "type").equals("ExternalName")) {
            return errs;
        }
        FieldPath ipsPath = SPEC.child("clusterIPs");
        JsonNode ips = spec.path("clusterIPs");
        String clusterIP = text(spec, "clusterIP");
        if (!clusterIP.isEmpty()) {
            if (ips.size() == 0) {
                errs.add(FieldError.required(ipsPath, ""));
            } else if (!ips.get(0).asText().equals(clusterIP)) {
                errs.add(FieldError.invalid(ipsPath, GoLiteral.strings(ips), "first value must match `clusterIP`"));
            }
        } else if (ips.size() != 0) {
            errs.add(FieldError.invalid(ipsPath, GoLiteral.strings(ips), "must be empty when `clusterIP` is not specified"));
        }
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode f : spec.path("ipFamilies")) {
            String fam = f.asText();
            if (!FAMILIES.contains(fam)) {
                errs.add(FieldError.notSupported(SPEC.child("ipFamilies").index(i), fam, FAMILIES));
            }
            if (!seen.add(fam)) {
                errs.add(FieldError.duplicate(SPEC.child("ipFamilies").index(i), fam));
            }
            i++;
        }
        if (spec.hasNonNull("ipFamilyPolicy") && !FAMILY_POLICIES.contains(text(spec, "ipFamilyPolicy"))) {
            errs.add(FieldError.notSupported(SPEC.child("ipFamilyPolicy"), text(spec, "ipFamilyPolicy"), FAMILY_POLICIES));
        }
        boolean invalid = false;
        i = 0;
        for (JsonNode ip : ips) {
            String v = ip.asText();
            if (i == 0 && v.equals("None")) {
                if (ips.size() > 1) {
                    invalid = true;
                    errs.add(FieldError.invalid(ipsPath, GoLiteral.strings(ips), "'None' must be the first and only value"));
                }
                i++;
                continue;
            }
            if (!ValueFormats.isIp(v)) {
                invalid = true;
                errs.add(FieldError.invalid(ipsPath.index(i), v, ValueFormats.INVALID_IP));
            }
            i++;
        }
        if (ips.size() > 2) {
            errs.add(FieldError.invalid(ipsPath, GoLiteral.strings(ips), "may only hold up to 2 values"));
        }
        if (invalid) {
            return errs;
        }
        if (ips.size() > 1 && ValueFormats.isIpv4(ips.get(0).asText()) == ValueFormats.isIpv4(ips.get(1).asText())) {
            errs.add(FieldError.invalid(ipsPath, GoLiteral.strings(ips), "may specify no more than one IP for each IP family"));
        }
        if (!isHeadless(svc)) {
            JsonNode fams = spec.path("ipFamilies");
            for (i = 0; i < ips.size() && i < fams.size(); i++) {
                String ip = ips.get(i).asText();
                if (fams.get(i).asText().equals("IPv4") && ValueFormats.isIpv6(ip)) {
                    errs.add(FieldError.invalid(ipsPath.index(i), ip, "expected an IPv4 value as indicated by `ipFamilies[" + i + "]`"));
                }
                if (fams.get(i).asText().equals("IPv6") && !ValueFormats.isIpv6(ip)) {
                    errs.add(FieldError.invalid(ipsPath.index(i), ip, "expected an IPv6 value as indicated by `ipFamilies[" + i + "]`"));
                }
            }
        }
        return errs;
    }

    /** ValidateServiceUpdate: cluster IPs and families keep their primary value, then {@link #validate}. */
    public static List<FieldError> validateUpdate(JsonNode svc, JsonNode old) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = svc.path("spec");
        JsonNode oldSpec = old.path("spec");
        boolean externalName = text(spec, "type").equals("ExternalName") || text(oldSpec, "type").equals("ExternalName");
        boolean newHeadless = isHeadless(svc);
        boolean oldHeadless = isHeadless(old);
        if (!externalName && !(newHeadless && oldHeadless)) {
            JsonNode ips = spec.path("clusterIPs");
            JsonNode oldIps = oldSpec.path("clusterIPs");
            FieldPath ipsPath = SPEC.child("clusterIPs");
            if (oldIps.size() == ips.size()) {
                for (int i = 0; i < oldIps.size(); i++) {
                    if (!oldIps.get(i).asText().equals(ips.get(i).asText())) {
                        errs.add(FieldError.invalid(ipsPath.index(i), GoLiteral.strings(ips), "may not change once set"));
                    }
                }
            } else if (oldIps.size() > ips.size()) {
                if (ips.size() == 0) {
                    errs.add(FieldError.invalid(ipsPath.index(0), GoLiteral.strings(ips), "primary clusterIP can not be unset"));
                }
                if (oldIps.size() > 0 && ips.size() > 0 && !ips.get(0).asText().equals(oldIps.get(0).asText())) {
                    errs.add(FieldError.invalid(ipsPath.index(0), GoLiteral.strings(ips), "may not change once set"));
                }
                if (ips.size() == 1 && !"SingleStack".equals(text(spec, "ipFamilyPolicy"))) {
                    errs.add(FieldError.invalid(SPEC.child("ipFamilyPolicy"), text(spec, "ipFamilyPolicy"),
                            "must be set to 'SingleStack' when releasing the secondary clusterIP"));
                }
            } else if (oldIps.size() > 0 && !ips.get(0).asText().equals(oldIps.get(0).asText())) {
                errs.add(FieldError.invalid(ipsPath.index(0), GoLiteral.strings(ips), "may not change once set"));
            }
        }
        if (!externalName && newHeadless == oldHeadless && !newHeadless) {
            JsonNode fams = spec.path("ipFamilies");
            JsonNode oldFams = oldSpec.path("ipFamilies");
            if (fams.size() == oldFams.size()) {
                for (int i = 0; i < oldFams.size(); i++) {
                    if (!oldFams.get(i).asText().equals(fams.get(i).asText())) {
                        errs.add(FieldError.invalid(SPEC.child("ipFamilies").index(0), GoLiteral.strings(fams), "may not change once set"));
                    }
                }
            } else if (fams.size() > 0 && oldFams.size() > 0 && !fams.get(0).asText().equals(oldFams.get(0).asText())) {
                errs.add(FieldError.invalid(SPEC.child("ipFamilies").index(0), GoLiteral.strings(spec.path("clusterIPs")), "may not change once set"));
            }
        }
        if (text(spec, "type").equals("LoadBalancer") && text(oldSpec, "type").equals("LoadBalancer")
                && !Objects.equals(Json.text(spec, "loadBalancerClass"), Json.text(oldSpec, "loadBalancerClass"))) {
            errs.add(FieldError.invalid(SPEC.child("loadBalancerClass"), text(spec, "loadBalancerClass"), "may not change once set"));
        }
        errs.addAll(validate(svc));
        return errs;
    }

    static String text(JsonNode node, String field) {
        return Objects.requireNonNullElse(Json.text(node, field), "");
    }
}
