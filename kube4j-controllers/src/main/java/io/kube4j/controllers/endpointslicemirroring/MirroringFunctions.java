package io.kube4j.controllers.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.kube4j.controllers.endpoint.PodEndpoints;
import io.kube4j.controllers.endpointslice.SliceMeta;
import io.kube4j.controllers.endpointslice.SliceReconciler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What upstream's EndpointSlice mirroring controller makes of hand-made Endpoints: whether they are mirrored at all
 * (their Service exists and has no selector, they are not labelled {@code skip-mirror}, they are not a leader
 * election lock), and per subset the slice endpoints (addresses ready, notReadyAddresses not ready) with the subset's
 * ports, split by address type. Pure and thread-safe.
 */
public final class MirroringFunctions {
    public static final String MANAGED_BY = "endpointslicemirroring-controller.k8s.io";
    public static final String SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";
    static final String LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    static final String TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time";

    private MirroringFunctions() {
    }

    /** True when these Endpoints of this Service (null: none) should have mirrored slices. */
    public static boolean shouldMirror(Endpoints ep, Service svc) {
        if (ep == null || svc == null || PodEndpoints.hasSelector(svc) || ep.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        Map<String, String> labels = ep.getMetadata().getLabels();
        if (labels != null && "true".equals(labels.get(SKIP_MIRROR_LABEL))) {
            return false;
        }
        Map<String, String> annotations = ep.getMetadata().getAnnotations();
        return annotations == null || !annotations.containsKey(LEADER_ANNOTATION);
    }

    /** The desired endpoints of one address type ({@code IPv4} or {@code IPv6}), grouped by the subset ports. */
    public static List<SliceReconciler.Desired> desired(Endpoints ep, String addressType) {
        Map<String, SliceReconciler.Desired> byPorts = new LinkedHashMap<>();
        if (ep.getSubsets() == null) {
            return List.of();
        }
        for (EndpointSubset ss : ep.getSubsets()) {
            List<EndpointPort> ports = new ArrayList<>();
            if (ss.getPorts() != null) {
                for (var p : ss.getPorts()) {
                    ports.add(new EndpointPortBuilder().withName(p.getName() == null ? "" : p.getName())
                            .withPort(p.getPort()).withProtocol(PodEndpoints.protocol(p.getProtocol()))
                            .withAppProtocol(p.getAppProtocol()).build());
                }
            }
            SliceReconciler.Desired d = byPorts.computeIfAbsent(SliceReconciler.portsKey(ports),
                    k -> new SliceReconciler.Desired(ports, new ArrayList<>()));
            add(d.endpoints(), ss.getAddresses(), true, addressType);
            add(d.endpoints(), ss.getNotReadyAddresses(), false, addressType);
        }
        return new ArrayList<>(byPorts.values());
    }

    private static void add(List<Endpoint> out, List<EndpointAddress> addresses, boolean ready, String addressType) {
        if (addresses == null) {
            return;
        }
        for (EndpointAddress a : addresses) {
            if (a.getIp() == null || !addressType.equals(a.getIp().contains(":") ? "IPv6" : "IPv4")) {
                continue;
            }
            EndpointBuilder b = new EndpointBuilder().withAddresses(a.getIp()).withNewConditions().withReady(ready)
                    .endConditions().withTargetRef(a.getTargetRef());
            if (a.getHostname() != null && !a.getHostname().isEmpty()) {
                b.withHostname(a.getHostname());
            }
            if (a.getNodeName() != null && !a.getNodeName().isEmpty()) {
                b.withNodeName(a.getNodeName());
            }
            out.add(b.build());
        }
    }

    /** The metadata of mirrored slices: the Endpoints' labels and annotations (minus kubectl's and the trigger time). */
    public static SliceMeta meta(Endpoints ep, Service svc, String addressType) {
        Map<String, String> annotations = new TreeMap<>();
        if (ep.getMetadata().getAnnotations() != null) {
            annotations.putAll(ep.getMetadata().getAnnotations());
        }
        annotations.remove(LAST_APPLIED);
        annotations.remove(TRIGGER_TIME);
        Map<String, String> labels = SliceMeta.labels(ep.getMetadata().getLabels(), ep.getMetadata().getName(),
                MANAGED_BY, false);
        if (ep.getMetadata().getLabels() == null || !ep.getMetadata().getLabels().containsKey(SliceMeta.HEADLESS_LABEL)) {
            labels.remove(SliceMeta.HEADLESS_LABEL);
        }
        return new SliceMeta(ep.getMetadata().getNamespace(), SliceMeta.prefix(ep.getMetadata().getName()), labels,
                annotations, SliceMeta.ownerOf(svc), addressType);
    }
}
