package io.kube4j.apiserver.validation.networking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.validation.ErrorType;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apimachinery.validation.NameRules;
import io.kube4j.apiserver.validation.shared.GoSyntax;
import io.kube4j.apiserver.validation.shared.NetworkAddresses;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static io.kube4j.apiserver.validation.shared.CommonRules.immutable;

/**
 * networking.k8s.io/v1 validation (upstream's pkg/apis/networking/validation) for Ingresses,
 * IngressClasses and NetworkPolicies, with upstream's messages. Called by the networking
 * strategies; stateless and thread-safe.
 */
public final class NetworkingValidation {
    private static final FieldPath SPEC = FieldPath.root("spec");
    private static final String INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    private static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");
    private static final List<String> INVALID_PATH_SEQUENCES = List.of("//", "/./", "/../", "%2f", "%2F");
    private static final List<String> INVALID_PATH_SUFFIXES = List.of("/..", "/.");
    private static final String WILDCARD_FMT = "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
    private static final Pattern WILDCARD = Pattern.compile("^" + WILDCARD_FMT + "$");
    private static final String HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
    private static final Pattern HTTP_PATH = Pattern.compile("^" + HTTP_PATH_FMT + "$");
    private static final int MAX_CONTROLLER_LENGTH = 250;

    private NetworkingValidation() {
    }

    // ---------------------------------------------------------------- Ingress

    public static List<FieldError> ingressCreate(ObjectNode obj) {
        List<FieldError> errs = ingress(obj);
        JsonNode annotation = obj.path("metadata").path("annotations").get(INGRESS_CLASS_ANNOTATION);
        JsonNode className = obj.path("spec").get("ingressClassName");
        if (annotation != null && className != null && !className.isNull()
                && !annotation.asText().equals(className.asText())) {
            errs.add(FieldError.invalid(FieldPath.root("annotations").child(INGRESS_CLASS_ANNOTATION), annotation.asText(),
                    "must match `ingressClassName` when both are specified"));
        }
        return errs;
    }

    public static List<FieldError> ingress(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<FieldError> errs = new ArrayList<>();
        JsonNode rules = spec.get("rules");
        JsonNode defaultBackend = spec.get("defaultBackend");
        boolean noRules = rules == null || !rules.isArray() || rules.isEmpty();
        boolean hasDefault = defaultBackend != null && !defaultBackend.isNull();
        if (noRules && !hasDefault) {
            errs.add(FieldError.invalid(SPEC, new GoSyntax.Rendered(rules == null || rules.isNull()
                    ? "[]networking.IngressRule(nil)" : "[]networking.IngressRule{}"),
                    "either `defaultBackend` or `rules` must be specified"));
        }
        if (hasDefault) {
            backend(errs, defaultBackend, SPEC.child("defaultBackend"));
        }
        if (!noRules) {
            int i = 0;
            for (JsonNode rule : rules) {
                FieldPath rp = SPEC.child("rules").index(i++);
                String host = rule.path("host").asText("");
                if (!host.isEmpty()) {
                    if (NetworkAddresses.isIp(host)) {
                        errs.add(FieldError.invalid(rp.child("host"), host, "must be a DNS name, not an IP address"));
                    }
                    hostErrors(errs, host, rp.child("host"));
                }
                JsonNode http = rule.get("http");
                if (http != null && !http.isNull()) {
                    httpRule(errs, http, rp.child("http"));
                }
            }
        }
        JsonNode tls = spec.get("tls");
        if (tls != null && tls.isArray()) {
            int t = 0;
            for (JsonNode entry : tls) {
                FieldPath tp = SPEC.child("tls").index(t++);
                int h = 0;
                for (JsonNode hostNode : entry.path("hosts")) {
                    hostErrors(errs, hostNode.asText(), tp.child("hosts").index(h++));
                }
                String secret = entry.path("secretName").asText("");
                if (!secret.isEmpty()) {
                    for (String m : NameRules.isDns1123Subdomain(secret)) {
                        errs.add(FieldError.invalid(tp.child("secretName"), secret, m));
                    }
                }
            }
        }
        JsonNode className = spec.get("ingressClassName");
        if (className != null && !className.isNull()) {
            for (String m : NameRules.isDns1123Subdomain(className.asText())) {
                errs.add(FieldError.invalid(SPEC.child("ingressClassName"), className.asText(), m));
            }
        }
        return errs;
    }

    private static void hostErrors(List<FieldError> errs, String host, FieldPath path) {
        List<String> msgs = host.contains("*") ? wildcardSubdomain(host) : NameRules.isDns1123Subdomain(host);
        for (String m : msgs) {
            errs.add(FieldError.invalid(path, host, m));
        }
    }

    private static List<String> wildcardSubdomain(String v) {
        List<String> errs = new ArrayList<>();
        if (v.length() > NameRules.DNS1123_SUBDOMAIN_MAX) {
            errs.add("must be no more than " + NameRules.DNS1123_SUBDOMAIN_MAX + " characters");
        }
        if (!WILDCARD.matcher(v).matches()) {
            errs.add("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must "
                    + "consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character "
                    + "(e.g. '*.example.com', regex used for validation is '" + WILDCARD_FMT + "')");
        }
        return errs;
    }

    private static void httpRule(List<FieldError> errs, JsonNode http, FieldPath path) {
        JsonNode paths = http.get("paths");
        if (paths == null || !paths.isArray() || paths.isEmpty()) {
            errs.add(FieldError.required(path.child("paths"), ""));
            return;
        }
        int i = 0;
        for (JsonNode p : paths) {
            FieldPath pp = path.child("paths").index(i++);
            JsonNode pathType = p.get("pathType");
            if (pathType == null || pathType.isNull()) {
                errs.add(FieldError.required(pp.child("pathType"), "pathType must be specified"));
                continue;
            }
            String value = p.path("path").asText("");
            switch (pathType.asText()) {
                case "Exact", "Prefix" -> {
                    if (!value.startsWith("/")) {
                        errs.add(FieldError.invalid(pp.child("path"), value, "must be an absolute path"));
                    }
                    if (!value.isEmpty()) {
                        for (String seq : INVALID_PATH_SEQUENCES) {
                            if (value.contains(seq)) {
                                errs.add(FieldError.invalid(pp.child("path"), value, "must not contain '" + seq + "'"));
                            }
                        }
                        for (String suffix : INVALID_PATH_SUFFIXES) {
                            if (value.endsWith(suffix)) {
                                errs.add(FieldError.invalid(pp.child("path"), value, "cannot end with '" + suffix + "'"));
                            }
                        }
                    }
                }
                case "ImplementationSpecific" -> {
                    if (!value.isEmpty() && !value.startsWith("/")) {
                        errs.add(FieldError.invalid(pp.child("path"), value, "must be an absolute path"));
                    }
                }
                default -> errs.add(FieldError.notSupported(pp.child("pathType"), pathType.asText(), PATH_TYPES));
            }
            backend(errs, p.path("backend"), pp.child("backend"));
        }
    }

    private static void backend(List<FieldError> errs, JsonNode backend, FieldPath path) {
        JsonNode resource = backend.get("resource");
        JsonNode service = backend.get("service");
        boolean hasResource = resource != null && !resource.isNull();
        boolean hasService = service != null && !service.isNull();
        if (hasResource && hasService) {
            errs.add(FieldError.invalid(path, "", "cannot set both resource and service backends"));
            return;
        }
        if (hasResource) {
            typedReference(errs, resource, path.child("resource"));
        } else if (hasService) {
            String name = service.path("name").asText("");
            FieldPath sp = path.child("service");
            if (name.isEmpty()) {
                errs.add(FieldError.required(sp.child("name"), ""));
            } else {
                for (String m : NameRules.isDns1035Label(name)) {
                    errs.add(FieldError.invalid(sp.child("name"), name, m));
                }
            }
            JsonNode port = service.path("port");
            String portName = port.path("name").asText("");
            long number = port.path("number").asLong(0);
            if (!portName.isEmpty() && number != 0) {
                errs.add(FieldError.invalid(path, "", "cannot set both port name & port number"));
            } else if (!portName.isEmpty()) {
                for (String m : NameRules.isValidPortName(portName)) {
                    errs.add(FieldError.invalid(sp.child("port").child("name"), portName, m));
                }
            } else if (number != 0) {
                portNumber(errs, number, sp.child("port").child("number"));
            } else {
                errs.add(FieldError.required(path, "port name or number is required"));
            }
        } else {
            errs.add(FieldError.invalid(path, "", "resource or service backend is required"));
        }
    }

    private static void portNumber(List<FieldError> errs, long number, FieldPath path) {
        if (number < 1 || number > 65535) {
            errs.add(FieldError.invalid(path, number, "must be between 1 and 65535, inclusive"));
        }
    }

    private static void typedReference(List<FieldError> errs, JsonNode ref, FieldPath path) {
        JsonNode group = ref.get("apiGroup");
        if (group != null && !group.isNull()) {
            for (String m : NameRules.isDns1123Subdomain(group.asText())) {
                errs.add(FieldError.invalid(path.child("apiGroup"), group.asText(), m));
            }
        }
        for (String f : List.of("kind", "name")) {
            String v = ref.path(f).asText("");
            if (v.isEmpty()) {
                errs.add(FieldError.required(path.child(f), f + " is required"));
            } else {
                for (String m : NameRules.isValidPathSegmentName(v)) {
                    errs.add(FieldError.invalid(path.child(f), v, m));
                }
            }
        }
    }

    // ---------------------------------------------------------------- IngressClass

    public static List<FieldError> ingressClass(ObjectNode obj) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode spec = obj.path("spec");
        String controller = spec.path("controller").asText("");
        FieldPath cp = SPEC.child("controller");
        if (controller.length() > MAX_CONTROLLER_LENGTH) {
            errs.add(FieldError.tooLong(cp, "", MAX_CONTROLLER_LENGTH));
        }
        domainPrefixedPath(errs, controller, cp);
        JsonNode params = spec.get("parameters");
        if (params != null && !params.isNull()) {
            FieldPath pp = SPEC.child("parameters");
            typedReference(errs, params, pp);
            JsonNode scope = params.get("scope");
            if (scope == null || scope.isNull()) {
                errs.add(FieldError.required(pp.child("scope"), ""));
            } else if (!scope.asText().equals("Cluster") && !scope.asText().equals("Namespace")) {
                errs.add(FieldError.notSupported(pp.child("scope"), scope.asText(), List.of("Cluster", "Namespace")));
            } else {
                JsonNode ns = params.get("namespace");
                boolean hasNs = ns != null && !ns.isNull();
                if (scope.asText().equals("Namespace")) {
                    if (!hasNs) {
                        errs.add(FieldError.required(pp.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
                    } else {
                        for (String m : NameRules.isDns1123Label(ns.asText())) {
                            errs.add(FieldError.invalid(pp.child("namespace"), ns.asText(), m));
                        }
                    }
                } else if (hasNs) {
                    errs.add(FieldError.forbidden(pp.child("namespace"), "`parameters.scope` is set to 'Cluster'"));
                }
            }
        }
        return errs;
    }

    public static List<FieldError> ingressClassUpdate(ObjectNode obj, ObjectNode old) {
        List<FieldError> errs = new ArrayList<>();
        JsonNode c = obj.path("spec").get("controller");
        immutable(errs, c, old.path("spec").get("controller"), SPEC.child("controller"), c == null ? "" : c.asText());
        errs.addAll(ingressClass(obj));
        return errs;
    }

    /** Upstream's IsDomainPrefixedPath. */
    static void domainPrefixedPath(List<FieldError> errs, String value, FieldPath path) {
        if (value.isEmpty()) {
            errs.add(FieldError.required(path, ""));
            return;
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            errs.add(FieldError.invalid(path, value, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
            return;
        }
        String host = value.substring(0, slash);
        for (String m : NameRules.isDns1123Subdomain(host)) {
            errs.add(FieldError.invalid(path, host, m));
        }
        String rest = value.substring(slash + 1);
        if (!HTTP_PATH.matcher(rest).matches()) {
            errs.add(FieldError.invalid(path, rest, "Invalid path (regex used for validation is '" + HTTP_PATH_FMT + "')"));
        }
    }

    // ---------------------------------------------------------------- NetworkPolicy

    public static List<FieldError> networkPolicy(ObjectNode obj) {
        JsonNode spec = obj.path("spec");
        List<FieldError> errs = new ArrayList<>(LabelSelector.validate(spec.get("podSelector"), SPEC.child("podSelector")));
        for (String dir : List.of("ingress", "egress")) {
            String peers = dir.equals("ingress") ? "from" : "to";
            int i = 0;
            for (JsonNode rule : spec.path(dir)) {
                FieldPath rp = SPEC.child(dir).index(i++);
                int j = 0;
                for (JsonNode port : rule.path("ports")) {
                    policyPort(errs, port, rp.child("ports").index(j++));
                }
                j = 0;
                for (JsonNode peer : rule.path(peers)) {
                    policyPeer(errs, peer, rp.child(peers).index(j++));
                }
            }
        }
        JsonNode types = spec.get("policyTypes");
        if (types != null && types.isArray()) {
            if (types.size() > 2) {
                errs.add(FieldError.invalid(SPEC.child("policyTypes"), GoSyntax.stringSlice("networking.PolicyType", types),
                        "may not specify more than two policyTypes"));
                return errs;
            }
            int i = 0;
            for (JsonNode t : types) {
                if (!t.asText().equals("Ingress") && !t.asText().equals("Egress")) {
                    errs.add(FieldError.notSupported(SPEC.child("policyTypes").index(i), t.asText(), List.of("Ingress", "Egress")));
                }
                i++;
            }
        }
        return errs;
    }

    private static void policyPort(List<FieldError> errs, JsonNode port, FieldPath path) {
        JsonNode protocol = port.get("protocol");
        if (protocol != null && !protocol.isNull() && !List.of("TCP", "UDP", "SCTP").contains(protocol.asText())) {
            errs.add(FieldError.notSupported(path.child("protocol"), protocol.asText(), List.of("TCP", "UDP", "SCTP")));
        }
        JsonNode p = port.get("port");
        JsonNode end = port.get("endPort");
        boolean hasEnd = end != null && !end.isNull();
        if (p != null && !p.isNull()) {
            if (p.isNumber()) {
                portNumber(errs, p.asLong(), path.child("port"));
                if (hasEnd) {
                    if (end.asLong() < p.asLong()) {
                        errs.add(FieldError.invalid(path.child("endPort"), p.asLong(), "must be greater than or equal to `port`"));
                    }
                    portNumber(errs, end.asLong(), path.child("endPort"));
                }
            } else {
                if (hasEnd) {
                    errs.add(FieldError.invalid(path.child("endPort"), end.asLong(), "may not be specified when `port` is non-numeric"));
                }
                for (String m : NameRules.isValidPortName(p.asText())) {
                    errs.add(FieldError.invalid(path.child("port"), p.asText(), m));
                }
            }
        } else if (hasEnd) {
            errs.add(FieldError.invalid(path.child("endPort"), end.asLong(), "may not be specified when `port` is not specified"));
        }
    }

    private static void policyPeer(List<FieldError> errs, JsonNode peer, FieldPath path) {
        int n = 0;
        for (String sel : List.of("podSelector", "namespaceSelector")) {
            JsonNode s = peer.get(sel);
            if (s != null && !s.isNull()) {
                n++;
                errs.addAll(LabelSelector.validate(s, path.child(sel)));
            }
        }
        JsonNode ipBlock = peer.get("ipBlock");
        boolean hasIpBlock = ipBlock != null && !ipBlock.isNull();
        if (hasIpBlock) {
            n++;
            ipBlock(errs, ipBlock, path.child("ipBlock"));
        }
        if (n == 0) {
            errs.add(FieldError.required(path, "must specify a peer"));
        } else if (n > 1 && hasIpBlock) {
            errs.add(FieldError.forbidden(path, "may not specify both ipBlock and another peer"));
        }
    }

    private static void ipBlock(List<FieldError> errs, JsonNode block, FieldPath path) {
        String cidr = block.path("cidr").asText("");
        if (cidr.isEmpty()) {
            errs.add(FieldError.required(path.child("cidr"), ""));
            return;
        }
        NetworkAddresses.Cidr parsed = NetworkAddresses.parseCidr(cidr);
        if (parsed == null) {
            errs.add(invalidCidr(path.child("cidr"), cidr));
            return;
        }
        int i = 0;
        for (JsonNode e : block.path("except")) {
            FieldPath ep = path.child("except").index(i++);
            NetworkAddresses.Cidr except = NetworkAddresses.parseCidr(e.asText());
            if (except == null) {
                errs.add(invalidCidr(ep, e.asText()));
            } else if (except.bits() != parsed.bits() || !parsed.contains(except.network())
                    || parsed.prefix() >= except.prefix()) {
                errs.add(FieldError.invalid(ep, e.asText(), "must be a strict subset of `cidr`"));
            }
        }
    }

    private static FieldError invalidCidr(FieldPath path, String value) {
        return new FieldError(ErrorType.INVALID, path.toString(), value,
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
    }
}
