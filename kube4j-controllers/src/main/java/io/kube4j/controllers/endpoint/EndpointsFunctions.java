package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The Endpoints a Service with a selector should have, computed from the service and its pods as upstream's
 * Endpoints controller does: one address per pod that belongs in endpoints (ready ones in {@code addresses}, the
 * others in {@code notReadyAddresses}, all ready with publishNotReadyAddresses), for each service port the port the
 * pod serves it on (a pod without a named target port is left out of that port), then repacked so that addresses
 * serving the same ports share one subset. Pure and thread-safe.
 */
public final class EndpointsFunctions {
    /** The label upstream puts on the Endpoints of headless services. */
    public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    private EndpointsFunctions() {
    }

    /** The subsets for the service, from the pods of its namespace (the selector is applied here). */
    public static List<EndpointSubset> subsets(Service svc, List<Pod> pods) {
        boolean tolerateUnready = PodEndpoints.publishNotReady(svc);
        List<ServicePort> ports = svc.getSpec().getPorts() == null ? List.of() : svc.getSpec().getPorts();
        List<Entry> entries = new ArrayList<>();
        for (Pod pod : pods) {
            if (!PodEndpoints.selects(svc, pod) || !PodEndpoints.shouldBeInEndpoints(pod, tolerateUnready)) {
                continue;
            }
            EndpointAddress address = address(svc, pod);
            boolean ready = tolerateUnready || PodEndpoints.isReady(pod);
            if (ports.isEmpty()) {
                if (PodEndpoints.headless(svc)) {
                    entries.add(new Entry(address, ready, null));
                }
                continue;
            }
            for (ServicePort sp : ports) {
                OptionalInt n = PodEndpoints.findPort(pod, sp);
                if (n.isEmpty()) {
                    continue;
                }
                entries.add(new Entry(address, ready, new EndpointPortBuilder().withName(emptyToNull(sp.getName()))
                        .withPort(n.getAsInt()).withProtocol(PodEndpoints.protocol(sp.getProtocol()))
                        .withAppProtocol(sp.getAppProtocol()).build()));
            }
        }
        return repack(entries);
    }

    /** The labels upstream gives the Endpoints: the service's, plus the headless label when it has no cluster IP. */
    public static Map<String, String> labels(Service svc) {
        Map<String, String> labels = new TreeMap<>();
        if (svc.getMetadata().getLabels() != null) {
            labels.putAll(svc.getMetadata().getLabels());
        }
        if (PodEndpoints.headless(svc)) {
            labels.put(HEADLESS_LABEL, "");
        } else {
            labels.remove(HEADLESS_LABEL);
        }
        return labels;
    }

    /** True when the stored Endpoints already have these subsets and the labels the service asks for. */
    public static boolean upToDate(Endpoints current, Service svc, List<EndpointSubset> subsets) {
        Map<String, String> have = current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels();
        return Semantic.equal(current.getSubsets(), subsets) && Semantic.equal(have, labels(svc));
    }

    private static EndpointAddress address(Service svc, Pod pod) {
        EndpointAddressBuilder b = new EndpointAddressBuilder().withIp(PodEndpoints.ip(pod))
                .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef();
        if (pod.getSpec() != null && pod.getSpec().getNodeName() != null && !pod.getSpec().getNodeName().isEmpty()) {
            b.withNodeName(pod.getSpec().getNodeName());
        }
        if (PodEndpoints.shouldSetHostname(pod, svc)) {
            b.withHostname(pod.getSpec().getHostname());
        }
        return b.build();
    }

    /** One address serving one port (null: a headless service without ports). */
    record Entry(EndpointAddress address, boolean ready, EndpointPort port) {
    }

    private record AddressKey(String ip, String uid) {
        static AddressKey of(EndpointAddress a) {
            return new AddressKey(a.getIp(), a.getTargetRef() == null ? null : a.getTargetRef().getUid());
        }
    }

    private record PortKey(String name, int port, String protocol, String appProtocol) {
        static final PortKey NONE = new PortKey(null, -1, null, null);
    }

    /**
     * Upstream's RepackSubsets: for each port the addresses serving it (ready wins when an address is both), then the
     * ports whose address sets are equal grouped into one subset; addresses sorted by IP, subsets by their first one.
     */
    static List<EndpointSubset> repack(List<Entry> entries) {
        Map<AddressKey, EndpointAddress> addresses = new HashMap<>();
        Map<PortKey, EndpointPort> portValues = new HashMap<>();
        Map<PortKey, Map<AddressKey, Boolean>> byPort = new LinkedHashMap<>();
        for (Entry e : entries) {
            AddressKey ak = AddressKey.of(e.address());
            addresses.putIfAbsent(ak, e.address());
            PortKey pk = e.port() == null ? PortKey.NONE : new PortKey(e.port().getName(), e.port().getPort(),
                    e.port().getProtocol(), e.port().getAppProtocol());
            if (e.port() != null) {
                portValues.putIfAbsent(pk, e.port());
            }
            byPort.computeIfAbsent(pk, k -> new HashMap<>()).merge(ak, e.ready(), Boolean::logicalOr);
        }
        Map<Map<AddressKey, Boolean>, List<PortKey>> bySet = new LinkedHashMap<>();
        byPort.forEach((pk, set) -> bySet.computeIfAbsent(set, s -> new ArrayList<>()).add(pk));
        Comparator<EndpointAddress> byIp = Comparator.comparing(EndpointAddress::getIp, EndpointsFunctions::compareIp)
                .thenComparing(a -> a.getTargetRef() == null ? "" : String.valueOf(a.getTargetRef().getUid()));
        List<EndpointSubset> out = new ArrayList<>();
        bySet.forEach((set, pks) -> {
            List<EndpointAddress> ready = new ArrayList<>();
            List<EndpointAddress> notReady = new ArrayList<>();
            set.forEach((ak, r) -> (r ? ready : notReady).add(addresses.get(ak)));
            ready.sort(byIp);
            notReady.sort(byIp);
            List<EndpointPort> ports = new ArrayList<>();
            for (PortKey pk : pks) {
                if (pk != PortKey.NONE) {
                    ports.add(portValues.get(pk));
                }
            }
            ports.sort(Comparator.comparing((EndpointPort p) -> p.getName() == null ? "" : p.getName())
                    .thenComparing(EndpointPort::getPort).thenComparing(EndpointPort::getProtocol));
            EndpointSubsetBuilder b = new EndpointSubsetBuilder();
            if (!ready.isEmpty()) {
                b.withAddresses(ready);
            }
            if (!notReady.isEmpty()) {
                b.withNotReadyAddresses(notReady);
            }
            if (!ports.isEmpty()) {
                b.withPorts(ports);
            }
            out.add(b.build());
        });
        out.sort(Comparator.comparing(EndpointsFunctions::firstIp, EndpointsFunctions::compareIp)
                .thenComparing(s -> String.valueOf(s.getPorts())));
        return out;
    }

    private static String firstIp(EndpointSubset s) {
        if (s.getAddresses() != null && !s.getAddresses().isEmpty()) {
            return s.getAddresses().getFirst().getIp();
        }
        return s.getNotReadyAddresses() == null || s.getNotReadyAddresses().isEmpty() ? ""
                : s.getNotReadyAddresses().getFirst().getIp();
    }

    /** Numeric order of dotted IPv4 addresses (10.42.0.9 before 10.42.0.10); text order otherwise. */
    public static int compareIp(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        if (x.length == 4 && y.length == 4) {
            try {
                for (int i = 0; i < 4; i++) {
                    int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
                    if (c != 0) {
                        return c;
                    }
                }
                return 0;
            } catch (NumberFormatException e) {
                // not IPv4 after all
            }
        }
        return a.compareTo(b);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
