package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.endpoint.PodEndpoints;
import io.kube4j.controllers.endpoint.ServicePodEvents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's EndpointSlice controller: for every Service with a selector (not ExternalName) it keeps the slices
 * labelled {@code endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io} in line with the pods the
 * selector picks ({@link EndpointSliceFunctions} computes the endpoints, {@link SliceReconciler} the writes). Slices
 * of other managers are never touched; the slices of a deleted Service go with it through their owner reference
 * (garbage collector). Informers: Services, Pods, Nodes (zones), EndpointSlices.
 */
public final class EndpointSliceController extends Controller {
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;
    private SharedIndexInformer<EndpointSlice> slices;
    private final SliceTracker tracker;
    private final SliceWriter writer;

    public EndpointSliceController(ControllerContext ctx) {
        super(ctx);
        tracker = new SliceTracker(ctx.clock());
        writer = new SliceWriter(ctx.client(), tracker, name());
    }

    @Override
    public String name() {
        return "endpointslice";
    }

    @Override
    protected int workers() {
        return 5;
    }

    @Override
    protected void register() {
        services = ctx.informer(Service.class);
        pods = ctx.informer(Pod.class);
        nodes = ctx.informer(Node.class);
        slices = ctx.informer(EndpointSlice.class);
        enqueueOn(services, Controller::key);
        pods.addEventHandler(new ServicePodEvents(services, this::enqueue));
        enqueueOn(slices, s -> managed(s) && serviceName(s) != null
                ? s.getMetadata().getNamespace() + "/" + serviceName(s) : null);
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                // pods on a node the cache did not know yet can be published now
                services.getStore().list().stream().filter(PodEndpoints::hasSelector).forEach(s -> enqueue(key(s)));
            }

            @Override
            public void onUpdate(Node oldNode, Node node) {
                if (!Objects.equals(zone(oldNode), zone(node))) {
                    onAdd(node);
                }
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                onAdd(node);
            }
        });
    }

    @Override
    protected void sync(String key) {
        Service svc = services.getStore().getByKey(key);
        if (svc == null) {
            tracker.forget(key);
            return;
        }
        if ("ExternalName".equals(svc.getSpec().getType()) || !PodEndpoints.hasSelector(svc)
                || svc.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        String ns = svc.getMetadata().getNamespace();
        List<EndpointSlice> existing = new ArrayList<>();
        for (EndpointSlice s : slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (managed(s) && svc.getMetadata().getName().equals(serviceName(s))
                    && s.getMetadata().getDeletionTimestamp() == null) {
                existing.add(s);
            }
        }
        if (tracker.stale(key, existing)) {
            // our own last writes are not in the cache yet: their events requeue the service; this is a safety net
            queue.addAfter(key, Duration.ofSeconds(1));
            return;
        }
        List<String> skipped = new ArrayList<>();
        List<SliceReconciler.Desired> desired = EndpointSliceFunctions.desired(svc,
                pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns), nodes.getStore()::getByKey, skipped);
        SliceReconciler.Plan plan = SliceReconciler.reconcile(EndpointSliceFunctions.meta(svc), desired, existing,
                SliceReconciler.MAX_ENDPOINTS, true);
        writer.apply(key, plan);
        if (!skipped.isEmpty()) {
            throw new IllegalStateException("skipping Pods " + skipped + " for Service " + key + ": Node not found");
        }
    }

    private static boolean managed(EndpointSlice s) {
        Map<String, String> l = s.getMetadata().getLabels();
        return l != null && EndpointSliceFunctions.MANAGED_BY.equals(l.get(SliceMeta.MANAGED_BY_LABEL));
    }

    private static String serviceName(EndpointSlice s) {
        return s.getMetadata().getLabels().get(SliceMeta.SERVICE_NAME_LABEL);
    }

    private static String zone(Node n) {
        return n.getMetadata().getLabels() == null ? null : n.getMetadata().getLabels().get(EndpointSliceFunctions.ZONE_LABEL);
    }
}
