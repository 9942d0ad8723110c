package io.kube4j.controllers.servicelb;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube4j's built-in service load balancer, in the spirit of k3s's ServiceLB: every {@code type: LoadBalancer}
 * service without {@code spec.loadBalancerClass} gets one address from a pool, written to
 * {@code status.loadBalancer.ingress: [{ip, ipMode: VIP}]}; kube-proxy serves it. The pool is the
 * {@code --service-lb-pool} range, or by default the nodes' InternalIPs. Services share an address when their ports
 * don't clash ({@link LbAllocation}). An address is free again once its service is deleted, or stops being a
 * LoadBalancer (its status is then cleared). One worker, so two services never take the same address at once; the
 * addresses it wrote are remembered until its informer shows them, so a stale cache can't hand one out twice.
 */
public final class ServiceLbController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLbController.class);
    static final String COMPONENT = "service-controller";

    private final AddressPool fixedPool;
    private final Map<String, String> written = new ConcurrentHashMap<>();
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Node> nodes;
    private EventRecorder events;

    /** @param pool the address pool, or null for the nodes' InternalIPs */
    public ServiceLbController(ControllerContext ctx, AddressPool pool) {
        super(ctx);
        this.fixedPool = pool;
    }

    @Override
    public String name() {
        return "servicelb";
    }

    @Override
    protected int workers() {
        return 1;
    }

    @Override
    protected void register() {
        events = ctx.events(COMPONENT);
        services = ctx.informer(Service.class);
        enqueueOn(services, Controller::key);
        services.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Service s) {
            }

            @Override
            public void onUpdate(Service oldService, Service s) {
                if (wantsAddress(oldService) && !wantsAddress(s)) {
                    requeueLoadBalancers();
                }
            }

            @Override
            public void onDelete(Service s, boolean unknownFinalState) {
                // its address may be what a pending service waits for
                if (wantsAddress(s)) {
                    requeueLoadBalancers();
                }
            }
        });
        if (fixedPool == null) {
            nodes = ctx.informer(Node.class);
            nodes.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Node node) {
                    requeueLoadBalancers();
                }

                @Override
                public void onUpdate(Node oldNode, Node node) {
                    if (!internalIps(List.of(oldNode)).equals(internalIps(List.of(node)))) {
                        requeueLoadBalancers();
                    }
                }

                @Override
                public void onDelete(Node node, boolean unknownFinalState) {
                    requeueLoadBalancers();
                }
            });
        }
    }

    private void requeueLoadBalancers() {
        for (Service s : services.getStore().list()) {
            if (wantsAddress(s)) {
                enqueue(key(s));
            }
        }
    }

    @Override
    protected void sync(String key) {
        Service svc = services.getStore().getByKey(key);
        if (svc == null) {
            written.remove(key);
            return;
        }
        List<String> now = statusIps(svc);
        if (!wantsAddress(svc)) {
            written.remove(key);
            // a service that stopped being a LoadBalancer gives its address back; another class's is not ours
            if (!now.isEmpty() && !"LoadBalancer".equals(svc.getSpec().getType())) {
                events.normal(svc, null, "DeletingLoadBalancer", "Deleting load balancer");
                patchStatus(svc, null);
                events.normal(svc, null, "DeletedLoadBalancer", "Deleted load balancer");
            }
            return;
        }
        AddressPool pool = pool();
        List<LbAllocation.Holder> others = new ArrayList<>();
        for (Service o : services.getStore().list()) {
            String k = key(o);
            if (!k.equals(key) && wantsAddress(o)) {
                String ip = written.getOrDefault(k, first(statusIps(o)));
                if (ip != null && ip.isEmpty()) {
                    ip = null;
                }
                others.add(new LbAllocation.Holder(k, ip, ports(o)));
            }
        }
        String current = written.getOrDefault(key, first(now));
        Optional<String> chosen = LbAllocation.choose(pool, svc.getSpec().getLoadBalancerIP(), current, ports(svc),
                others);
        if (chosen.isEmpty()) {
            if (!now.isEmpty() || current == null) {
                String why = pool.addresses().isEmpty() ? "no address in the load balancer pool"
                        : "no address left in the load balancer pool for ports " + ports(svc);
                events.warning(svc, null, "SyncLoadBalancerFailed",
                        "Error syncing load balancer: failed to ensure load balancer: " + why);
                written.put(key, "");
                if (!now.isEmpty()) {
                    patchStatus(svc, null);
                }
            }
            return;
        }
        String ip = chosen.get();
        if (now.equals(List.of(ip)) && hasVipMode(svc)) {
            written.put(key, ip);
            return;
        }
        events.normal(svc, null, "EnsuringLoadBalancer", "Ensuring load balancer");
        patchStatus(svc, ip);
        written.put(key, ip);
        events.normal(svc, null, "EnsuredLoadBalancer", "Ensured load balancer");
        LOG.info("service={} loadBalancerIP={}", key, ip);
    }

    private AddressPool pool() {
        if (fixedPool != null) {
            return fixedPool;
        }
        List<Node> all = new ArrayList<>(nodes.getStore().list());
        all.sort(Comparator.comparing(n -> n.getMetadata().getName()));
        return new AddressPool(internalIps(all));
    }

    private static List<String> internalIps(List<Node> all) {
        Set<String> ips = new LinkedHashSet<>();
        for (Node n : all) {
            if (n.getStatus() == null || n.getStatus().getAddresses() == null) {
                continue;
            }
            for (NodeAddress a : n.getStatus().getAddresses()) {
                if ("InternalIP".equals(a.getType()) && a.getAddress() != null && !a.getAddress().contains(":")) {
                    ips.add(a.getAddress());
                }
            }
        }
        return List.copyOf(ips);
    }

    private void patchStatus(Service svc, String ip) {
        String body = ip == null ? "{\"status\":{\"loadBalancer\":{\"ingress\":null}}}"
                : "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + ip + "\",\"ipMode\":\"VIP\"}]}}}";
        try {
            ctx.client().services().inNamespace(svc.getMetadata().getNamespace())
                    .withName(svc.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), body);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** A LoadBalancer service this controller serves: no other class claims it. */
    static boolean wantsAddress(Service s) {
        return s.getSpec() != null && "LoadBalancer".equals(s.getSpec().getType())
                && s.getSpec().getLoadBalancerClass() == null;
    }

    static Set<String> ports(Service s) {
        Set<String> out = new LinkedHashSet<>();
        if (s.getSpec().getPorts() != null) {
            for (ServicePort p : s.getSpec().getPorts()) {
                out.add(Objects.requireNonNullElse(p.getProtocol(), "TCP") + "/" + p.getPort());
            }
        }
        return out;
    }

    private static List<String> statusIps(Service s) {
        if (s.getStatus() == null || s.getStatus().getLoadBalancer() == null
                || s.getStatus().getLoadBalancer().getIngress() == null) {
            return List.of();
        }
        return s.getStatus().getLoadBalancer().getIngress().stream().map(LoadBalancerIngress::getIp)
                .filter(Objects::nonNull).toList();
    }

    private static boolean hasVipMode(Service s) {
        return s.getStatus().getLoadBalancer().getIngress().stream().allMatch(i -> "VIP".equals(i.getIpMode()));
    }

    private static String first(List<String> ips) {
        return ips.isEmpty() ? null : ips.getFirst();
    }
}
