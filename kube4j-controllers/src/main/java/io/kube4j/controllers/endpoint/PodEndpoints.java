package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the Endpoints, EndpointSlice and mirroring controllers ask of a pod and a service, as upstream's
 * endpoints util: whether a pod belongs in endpoints at all, whether it is ready, which port a service port
 * reaches on it, and whether its hostname is published. Pure and thread-safe.
 */
public final class PodEndpoints {
    private PodEndpoints() {
    }

    /** The pods a service selects; a service without a selector selects none (its endpoints are made by hand). */
    public static boolean hasSelector(Service svc) {
        Map<String, String> sel = svc.getSpec() == null ? null : svc.getSpec().getSelector();
        return sel != null && !sel.isEmpty();
    }

    public static boolean selects(Service svc, Pod pod) {
        if (!hasSelector(svc) || !Objects.equals(svc.getMetadata().getNamespace(), pod.getMetadata().getNamespace())) {
            return false;
        }
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        for (Map.Entry<String, String> e : svc.getSpec().getSelector().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Upstream's ShouldPodBeInEndpoints: not when the pod has finished (Succeeded or Failed), has no IP yet, or is
     * terminating unless terminating pods are wanted.
     */
    public static boolean shouldBeInEndpoints(Pod pod, boolean includeTerminating) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
            return false;
        }
        if (ip(pod) == null) {
            return false;
        }
        return includeTerminating || pod.getMetadata().getDeletionTimestamp() == null;
    }

    /** The pod's IPv4 address (the services here are IPv4 only), or null. */
    public static String ip(Pod pod) {
        if (pod.getStatus() == null) {
            return null;
        }
        String ip = pod.getStatus().getPodIP();
        if (ip != null && !ip.isEmpty() && !ip.contains(":")) {
            return ip;
        }
        if (pod.getStatus().getPodIPs() != null) {
            for (var p : pod.getStatus().getPodIPs()) {
                if (p.getIp() != null && !p.getIp().isEmpty() && !p.getIp().contains(":")) {
                    return p.getIp();
                }
            }
        }
        return null;
    }

    /** The pod's Ready condition is True. */
    public static boolean isReady(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    /**
     * The port a service port reaches on this pod, as upstream's FindPort: a number as it is, a name looked up among
     * the containers' ports with the same protocol (sidecar init containers too); empty when the pod has no such port.
     */
    public static OptionalInt findPort(Pod pod, ServicePort sp) {
        IntOrString target = sp.getTargetPort();
        if (target == null || (target.getIntVal() == null && (target.getStrVal() == null || target.getStrVal().isEmpty()))) {
            return sp.getPort() == null ? OptionalInt.empty() : OptionalInt.of(sp.getPort());
        }
        if (target.getIntVal() != null) {
            return OptionalInt.of(target.getIntVal());
        }
        String name = target.getStrVal();
        String protocol = protocol(sp.getProtocol());
        List<Container> containers = new ArrayList<>();
        if (pod.getSpec() != null) {
            if (pod.getSpec().getContainers() != null) {
                containers.addAll(pod.getSpec().getContainers());
            }
            if (pod.getSpec().getInitContainers() != null) {
                for (Container c : pod.getSpec().getInitContainers()) {
                    if ("Always".equals(c.getRestartPolicy())) {
                        containers.add(c);
                    }
                }
            }
        }
        for (Container c : containers) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (name.equals(p.getName()) && protocol.equals(protocol(p.getProtocol()))) {
                    return OptionalInt.of(p.getContainerPort());
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Upstream's ShouldSetHostname: the pod names a hostname and its subdomain is this service. */
    public static boolean shouldSetHostname(Pod pod, Service svc) {
        return pod.getSpec() != null && pod.getSpec().getHostname() != null && !pod.getSpec().getHostname().isEmpty()
                && Objects.equals(pod.getSpec().getSubdomain(), svc.getMetadata().getName())
                && Objects.equals(pod.getMetadata().getNamespace(), svc.getMetadata().getNamespace());
    }

    public static boolean publishNotReady(Service svc) {
        return svc.getSpec() != null && Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    }

    public static boolean headless(Service svc) {
        return svc.getSpec() != null && "None".equals(svc.getSpec().getClusterIP());
    }

    public static String protocol(String p) {
        return p == null || p.isEmpty() ? "TCP" : p;
    }
}
