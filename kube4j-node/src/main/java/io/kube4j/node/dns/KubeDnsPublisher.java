package io.kube4j.node.dns;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Keeps the objects that make cluster DNS a Service: {@code kube-system/kube-dns} (selectorless, created if missing,
 * never changed once there), this node's EndpointSlice {@code kube-dns-<node>} (its bridge gateway, owned by the Node
 * so it goes when the node goes) and the Endpoints {@code kube-dns} listing every node's slice address (marked
 * skip-mirror, so the mirroring controller leaves it alone). Called from {@link ClusterDns}'s single reconcile
 * thread; each method is idempotent. Not thread-safe.
 */
final class KubeDnsPublisher {
    static final String NAMESPACE = "kube-system";
    static final String SERVICE = "kube-dns";
    static final String MANAGED_BY = "dns.kube4j.io";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

    private final KubernetesClient client;
    private final String nodeName;
    private final String serviceIp;

    KubeDnsPublisher(KubernetesClient client, String nodeName, String serviceIp) {
        this.client = client;
        this.nodeName = nodeName;
        this.serviceIp = serviceIp;
    }

    /** The Service as upstream's kube-dns/CoreDNS add-on lays it out, minus the selector (each node serves itself). */
    static Service service(String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withName(SERVICE).withNamespace(NAMESPACE)
                .withLabels(new TreeMap<>(Map.of("k8s-app", "kube-dns", "kubernetes.io/cluster-service", "true",
                        "kubernetes.io/name", "CoreDNS")))
                .endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withInternalTrafficPolicy("Local")
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").withNewTargetPort(53).endPort()
                .addNewPort().withName("dns-tcp").withPort(53).withProtocol("TCP").withNewTargetPort(53).endPort()
                .endSpec().build();
    }

    static EndpointSlice slice(String nodeName, String ip, Node owner) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(SERVICE + "-" + nodeName)
                .withNamespace(NAMESPACE)
                .withLabels(new TreeMap<>(Map.of(SERVICE_NAME_LABEL, SERVICE, MANAGED_BY_LABEL, MANAGED_BY,
                        "k8s-app", "kube-dns")))
                .endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses(ip).withNodeName(nodeName)
                .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions()
                .endEndpoint()
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
                .addNewPort().withName("dns-tcp").withPort(53).withProtocol("TCP").endPort();
        if (owner != null && owner.getMetadata().getUid() != null) {
            b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                    .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build())
                    .endMetadata();
        }
        return b.build();
    }

    /** The Endpoints mirror of all nodes' DNS slices: one subset, addresses sorted by IP. */
    static Endpoints endpoints(Collection<EndpointSlice> slices) {
        TreeMap<String, EndpointAddress> addrs = new TreeMap<>();
        for (EndpointSlice s : slices) {
            Map<String, String> labels = s.getMetadata().getLabels();
            if (labels == null || !MANAGED_BY.equals(labels.get(MANAGED_BY_LABEL)) || s.getEndpoints() == null) {
                continue;
            }
            for (Endpoint ep : s.getEndpoints()) {
                if (ep.getAddresses() == null || Boolean.FALSE.equals(ep.getConditions() == null ? null
                        : ep.getConditions().getReady())) {
                    continue;
                }
                for (String ip : ep.getAddresses()) {
                    addrs.put(ip, new EndpointAddressBuilder().withIp(ip).withNodeName(ep.getNodeName()).build());
                }
            }
        }
        EndpointsBuilder b = new EndpointsBuilder().withNewMetadata().withName(SERVICE).withNamespace(NAMESPACE)
                .withLabels(new TreeMap<>(Map.of("k8s-app", "kube-dns",
                        "endpointslice.kubernetes.io/skip-mirror", "true")))
                .endMetadata();
        if (!addrs.isEmpty()) {
            b.addNewSubset().withAddresses(List.copyOf(addrs.values()))
                    .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort()
                    .addNewPort().withName("dns-tcp").withPort(53).withProtocol("TCP").endPort()
                    .endSubset();
        }
        return b.build();
    }

    void ensureService() {
        var op = client.services().inNamespace(NAMESPACE).withName(SERVICE);
        if (op.get() == null) {
            createIgnoringConflict(() -> client.services().inNamespace(NAMESPACE).resource(service(serviceIp))
                    .create());
        }
    }

    void ensureSlice(String gatewayIp) {
        Node node = client.nodes().withName(nodeName).get();
        EndpointSlice want = slice(nodeName, gatewayIp, node);
        var op = client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                .withName(want.getMetadata().getName());
        EndpointSlice have = op.get();
        if (have == null) {
            createIgnoringConflict(() -> client.discovery().v1().endpointSlices().inNamespace(NAMESPACE)
                    .resource(want).create());
        } else if (!Objects.equals(have.getEndpoints(), want.getEndpoints())
                || !Objects.equals(have.getPorts(), want.getPorts())
                || !Objects.equals(have.getMetadata().getLabels(), want.getMetadata().getLabels())) {
            want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
            client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).resource(want).update();
        }
    }

    void ensureEndpoints(Collection<EndpointSlice> slices) {
        Endpoints want = endpoints(slices);
        Endpoints have = client.endpoints().inNamespace(NAMESPACE).withName(SERVICE).get();
        if (have == null) {
            createIgnoringConflict(() -> client.endpoints().inNamespace(NAMESPACE).resource(want).create());
        } else if (!Objects.equals(have.getSubsets(), want.getSubsets())
                || !Objects.equals(have.getMetadata().getLabels(), want.getMetadata().getLabels())) {
            want.getMetadata().setResourceVersion(have.getMetadata().getResourceVersion());
            client.endpoints().inNamespace(NAMESPACE).resource(want).update();
        }
    }

    private static void createIgnoringConflict(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }
}
