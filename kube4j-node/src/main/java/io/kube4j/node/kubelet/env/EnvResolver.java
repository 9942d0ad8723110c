package io.kube4j.node.kubelet.env;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.kube4j.node.kubelet.runtime.PodRuntime.StartException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A container's environment, command and args as upstream's kubelet makes them: {@code envFrom} first, then
 * {@code env} in order, each value able to refer to earlier ones with {@code $(VAR)}; {@code valueFrom} reads the
 * pod's fields, its resources, ConfigMaps and Secrets. Missing references fail with CreateContainerConfigError and
 * upstream's messages. Stateless; the lookups are given per call.
 */
public final class EnvResolver {
    /**
     * Where ConfigMaps, Secrets and Services come from (the API server, or a test map); null when absent.
     * {@code services} lists a namespace's Services (the pod's own, and {@code default} for the API server's).
     */
    public record Sources(BiFunction<String, String, ConfigMap> configMap, BiFunction<String, String, Secret> secret,
                          Function<String, Quantity> nodeAllocatable, Function<String, List<Service>> services) {
        /** Sources without Services: containers get no service variables. */
        public Sources(BiFunction<String, String, ConfigMap> configMap, BiFunction<String, String, Secret> secret,
                       Function<String, Quantity> nodeAllocatable) {
            this(configMap, secret, nodeAllocatable, ns -> List.of());
        }
    }

    /** The resolved pieces of one container's process. */
    public record Resolved(List<Map.Entry<String, String>> env, List<String> command, List<String> args) {
    }

    private EnvResolver() {
    }

    public static Resolved resolve(Pod pod, Container c, String podIp, String hostIp, Sources sources)
            throws StartException {
        String ns = pod.getMetadata().getNamespace();
        boolean serviceLinks = pod.getSpec().getEnableServiceLinks() == null || pod.getSpec().getEnableServiceLinks();
        Map<String, String> serviceEnv = serviceEnv(ns, serviceLinks, sources.services());
        LinkedHashMap<String, String> env = new LinkedHashMap<>();
        if (c.getEnvFrom() != null) {
            for (EnvFromSource from : c.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                if (from.getConfigMapRef() != null) {
                    var ref = from.getConfigMapRef();
                    ConfigMap cm = sources.configMap().apply(ns, ref.getName());
                    if (cm == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw configError("configmap \"" + ref.getName() + "\" not found");
                    }
                    if (cm.getData() != null) {
                        cm.getData().forEach((k, v) -> env.put(prefix + k, v));
                    }
                }
                if (from.getSecretRef() != null) {
                    var ref = from.getSecretRef();
                    Secret s = sources.secret().apply(ns, ref.getName());
                    if (s == null) {
                        if (Boolean.TRUE.equals(ref.getOptional())) {
                            continue;
                        }
                        throw configError("secret \"" + ref.getName() + "\" not found");
                    }
                    secretData(s).forEach((k, v) -> env.put(prefix + k, v));
                }
            }
        }
        if (c.getEnv() != null) {
            for (EnvVar v : c.getEnv()) {
                String value;
                if (v.getValueFrom() == null) {
                    value = expand(v.getValue() == null ? "" : v.getValue(), withServices(env, serviceEnv));
                } else {
                    value = valueFrom(pod, c, v, podIp, hostIp, sources);
                    if (value == null) {
                        continue;
                    }
                }
                env.put(v.getName(), value);
            }
        }
        // the service variables come last and never replace the container's own
        serviceEnv.forEach(env::putIfAbsent);
        List<String> command = c.getCommand() == null ? List.of()
                : c.getCommand().stream().map(s -> expand(s, env)).toList();
        List<String> args = c.getArgs() == null ? List.of() : c.getArgs().stream().map(s -> expand(s, env)).toList();
        return new Resolved(new ArrayList<>(env.entrySet()), command, args);
    }

    private static Map<String, String> withServices(Map<String, String> env, Map<String, String> serviceEnv) {
        if (serviceEnv.isEmpty()) {
            return env;
        }
        Map<String, String> all = new LinkedHashMap<>(serviceEnv);
        all.putAll(env);
        return all;
    }

    /**
     * The Docker-links style variables upstream's kubelet gives every container: for the API server's own Service
     * ({@code default/kubernetes}) always, and for each Service of the pod's namespace when {@code
     * enableServiceLinks} is on. Headless Services and Services without a cluster IP give none. Sorted by name.
     */
    public static Map<String, String> serviceEnv(String namespace, boolean serviceLinks,
                                                 Function<String, List<Service>> services) {
        Map<String, Service> byName = new TreeMap<>();
        if (serviceLinks) {
            for (Service svc : services.apply(namespace)) {
                byName.put(svc.getMetadata().getName(), svc);
            }
        }
        if (!"default".equals(namespace) || !serviceLinks) {
            services.apply("default").stream().filter(svc -> "kubernetes".equals(svc.getMetadata().getName()))
                    .findFirst().ifPresent(svc -> byName.putIfAbsent("kubernetes", svc));
        }
        Map<String, String> out = new TreeMap<>();
        for (Service svc : byName.values()) {
            String ip = svc.getSpec() == null ? null : svc.getSpec().getClusterIP();
            List<ServicePort> ports = svc.getSpec() == null ? null : svc.getSpec().getPorts();
            if (ip == null || ip.isEmpty() || ip.equals("None") || ports == null || ports.isEmpty()) {
                continue;
            }
            String prefix = svc.getMetadata().getName().toUpperCase(Locale.ROOT).replace('-', '_');
            out.put(prefix + "_SERVICE_HOST", ip);
            out.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
            for (ServicePort p : ports) {
                if (p.getName() != null && !p.getName().isEmpty()) {
                    out.put(prefix + "_SERVICE_PORT_" + p.getName().toUpperCase(Locale.ROOT).replace('-', '_'),
                            Integer.toString(p.getPort()));
                }
            }
            String hostPort = (ip.contains(":") ? "[" + ip + "]" : ip);
            for (int i = 0; i < ports.size(); i++) {
                ServicePort p = ports.get(i);
                String protocol = p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
                String url = protocol.toLowerCase(Locale.ROOT) + "://" + hostPort + ":" + p.getPort();
                if (i == 0) {
                    out.put(prefix + "_PORT", url);
                }
                String portPrefix = prefix + "_PORT_" + p.getPort() + "_" + protocol.toUpperCase(Locale.ROOT);
                out.put(portPrefix, url);
                out.put(portPrefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
                out.put(portPrefix + "_PORT", Integer.toString(p.getPort()));
                out.put(portPrefix + "_ADDR", ip);
            }
        }
        return out;
    }

    private static String valueFrom(Pod pod, Container c, EnvVar v, String podIp, String hostIp, Sources sources)
            throws StartException {
        var from = v.getValueFrom();
        String ns = pod.getMetadata().getNamespace();
        if (from.getFieldRef() != null) {
            return field(pod, from.getFieldRef().getFieldPath(), podIp, hostIp);
        }
        if (from.getResourceFieldRef() != null) {
            var ref = from.getResourceFieldRef();
            return resource(pod, ref.getContainerName() == null || ref.getContainerName().isEmpty() ? c
                    : container(pod, ref.getContainerName(), c), ref.getResource(), ref.getDivisor(), sources);
        }
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            ConfigMap cm = sources.configMap().apply(ns, ref.getName());
            if (cm == null) {
                if (optional) {
                    return null;
                }
                throw configError("configmap \"" + ref.getName() + "\" not found");
            }
            String value = cm.getData() == null ? null : cm.getData().get(ref.getKey());
            if (value == null) {
                if (optional) {
                    return null;
                }
                throw configError("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
            }
            return value;
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            boolean optional = Boolean.TRUE.equals(ref.getOptional());
            Secret s = sources.secret().apply(ns, ref.getName());
            if (s == null) {
                if (optional) {
                    return null;
                }
                throw configError("secret \"" + ref.getName() + "\" not found");
            }
            String value = secretData(s).get(ref.getKey());
            if (value == null) {
                if (optional) {
                    return null;
                }
                throw configError("couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
            }
            return value;
        }
        return "";
    }

    private static Container container(Pod pod, String name, Container fallback) {
        return pod.getSpec().getContainers().stream().filter(x -> name.equals(x.getName())).findFirst()
                .orElse(fallback);
    }

    public static String field(Pod pod, String path, String podIp, String hostIp) {
        var md = pod.getMetadata();
        if (path.startsWith("metadata.labels['") && path.endsWith("']")) {
            String key = path.substring("metadata.labels['".length(), path.length() - 2);
            return md.getLabels() == null ? "" : md.getLabels().getOrDefault(key, "");
        }
        if (path.startsWith("metadata.annotations['") && path.endsWith("']")) {
            String key = path.substring("metadata.annotations['".length(), path.length() - 2);
            return md.getAnnotations() == null ? "" : md.getAnnotations().getOrDefault(key, "");
        }
        return switch (path) {
            case "metadata.name" -> md.getName();
            case "metadata.namespace" -> md.getNamespace();
            case "metadata.uid" -> md.getUid();
            case "spec.nodeName" -> pod.getSpec().getNodeName();
            case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
            case "status.hostIP", "status.hostIPs" -> hostIp;
            case "status.podIP", "status.podIPs" -> podIp == null ? "" : podIp;
            default -> "";
        };
    }

    public static String resource(Pod pod, Container c, String resource, Quantity divisor, Sources sources) {
        String[] parts = resource.split("\\.", 2);
        Map<String, Quantity> map = c.getResources() == null ? null
                : parts[0].equals("limits") ? c.getResources().getLimits() : c.getResources().getRequests();
        Quantity q = map == null ? null : map.get(parts[1]);
        if (q == null && parts[0].equals("limits")) {
            q = sources.nodeAllocatable().apply(parts[1]);
        }
        if (q == null) {
            return "0";
        }
        BigDecimal amount = q.getNumericalAmount();
        BigDecimal div = divisor == null || divisor.getAmount() == null ? BigDecimal.ONE : divisor.getNumericalAmount();
        if (div.signum() == 0) {
            div = BigDecimal.ONE;
        }
        return amount.divide(div, 0, RoundingMode.CEILING).toPlainString();
    }

    private static Map<String, String> secretData(Secret s) {
        Map<String, String> out = new LinkedHashMap<>();
        if (s.getData() != null) {
            s.getData().forEach((k, v) -> out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (s.getStringData() != null) {
            out.putAll(s.getStringData());
        }
        return out;
    }

    /**
     * Upstream's {@code $(VAR)} expansion: a defined variable is replaced, {@code $$} is an escaped {@code $}, and
     * anything else (an undefined name, an unclosed reference) stays as written.
     */
    public static String expand(String input, Map<String, String> vars) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < input.length()) {
            char ch = input.charAt(i);
            if (ch == '$' && i + 1 < input.length()) {
                char next = input.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i += 2;
                    continue;
                }
                if (next == '(') {
                    int close = input.indexOf(')', i + 2);
                    if (close > 0) {
                        String name = input.substring(i + 2, close);
                        String value = vars.get(name);
                        out.append(value != null ? value : input, value != null ? 0 : i,
                                value != null ? value.length() : close + 1);
                        i = close + 1;
                        continue;
                    }
                }
            }
            out.append(ch);
            i++;
        }
        return out.toString();
    }

    private static StartException configError(String message) {
        return new StartException("CreateContainerConfigError", message);
    }
}
