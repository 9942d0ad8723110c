package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.kube4j.controllers.endpoint.EndpointsFunctions;
import io.kube4j.controllers.endpoint.PodEndpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The endpoints a Service with a selector should have in its EndpointSlices, as upstream's EndpointSlice
 * controller computes them: every selected pod with an IP that has not finished (terminating ones included), with
 * conditions ready (serving and not terminating, or always with publishNotReadyAddresses), serving and terminating,
 * its node and the node's zone, and, per pod, the ports the service ports reach on it. Pods whose node is unknown are
 * left out (and reported) unless publishNotReadyAddresses is set. Pure and thread-safe.
 */
public final class EndpointSliceFunctions {
    public static final String MANAGED_BY = "endpointslice-controller.k8s.io";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private EndpointSliceFunctions() {
    }

    /** The desired endpoints grouped by port set; pods skipped for an unknown node are added to {@code skipped}. */
    public static List<SliceReconciler.Desired> desired(Service svc, List<Pod> pods, Function<String, Node> nodes,
                                                        List<String> skipped) {
        Map<String, SliceReconciler.Desired> byPorts = new LinkedHashMap<>();
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(Comparator.comparing((Pod p) -> String.valueOf(PodEndpoints.ip(p)),
                (a, b) -> EndpointsFunctions.compareIp(a, b)).thenComparing(p -> p.getMetadata().getName()));
        for (Pod pod : sorted) {
            if (!PodEndpoints.selects(svc, pod) || !PodEndpoints.shouldBeInEndpoints(pod, true)) {
                continue;
            }
            String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            Node node = nodeName == null || nodeName.isEmpty() ? null : nodes.apply(nodeName);
            if (node == null && !PodEndpoints.publishNotReady(svc)) {
                skipped.add(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName());
                continue;
            }
            List<EndpointPort> ports = ports(svc, pod);
            byPorts.computeIfAbsent(SliceReconciler.portsKey(ports),
                    k -> new SliceReconciler.Desired(ports, new ArrayList<>())).endpoints().add(endpoint(svc, pod, node));
        }
        return new ArrayList<>(byPorts.values());
    }

    /** The slice metadata upstream gives the slices of this service. */
    public static SliceMeta meta(Service svc) {
        return new SliceMeta(svc.getMetadata().getNamespace(), SliceMeta.prefix(svc.getMetadata().getName()),
                SliceMeta.labels(svc.getMetadata().getLabels(), svc.getMetadata().getName(), MANAGED_BY,
                        PodEndpoints.headless(svc)),
                null, SliceMeta.ownerOf(svc), "IPv4");
    }

    static Endpoint endpoint(Service svc, Pod pod, Node node) {
        boolean serving = PodEndpoints.isReady(pod);
        boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
        // a terminating pod is never ready, unless not-ready addresses are published anyway
        boolean ready = PodEndpoints.publishNotReady(svc) || (serving && !terminating);
        EndpointBuilder b = new EndpointBuilder().withAddresses(PodEndpoints.ip(pod))
                .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
                .withTargetRef(new ObjectReferenceBuilder().withKind("Pod")
                        .withNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                        .withUid(pod.getMetadata().getUid()).build());
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName != null && !nodeName.isEmpty()) {
            b.withNodeName(nodeName);
        }
        String zone = node == null || node.getMetadata().getLabels() == null ? null
                : node.getMetadata().getLabels().get(ZONE_LABEL);
        if (zone != null && !zone.isEmpty()) {
            b.withZone(zone);
        }
        if (PodEndpoints.shouldSetHostname(pod, svc)) {
            b.withHostname(pod.getSpec().getHostname());
        }
        return b.build();
    }

    /** For each service port the pod serves, the port number on the pod (upstream's getEndpointPorts). */
    static List<EndpointPort> ports(Service svc, Pod pod) {
        List<EndpointPort> out = new ArrayList<>();
        if (svc.getSpec().getPorts() == null) {
            return out;
        }
        for (ServicePort sp : svc.getSpec().getPorts()) {
            OptionalInt n = PodEndpoints.findPort(pod, sp);
            if (n.isEmpty()) {
                continue;
            }
            out.add(new EndpointPortBuilder().withName(sp.getName() == null ? "" : sp.getName()).withPort(n.getAsInt())
                    .withProtocol(PodEndpoints.protocol(sp.getProtocol())).withAppProtocol(sp.getAppProtocol()).build());
        }
        return out;
    }
}
