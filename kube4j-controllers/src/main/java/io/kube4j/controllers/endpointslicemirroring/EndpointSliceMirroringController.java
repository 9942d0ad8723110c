package io.kube4j.controllers.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.endpointslice.SliceMeta;
import io.kube4j.controllers.endpointslice.SliceReconciler;
import io.kube4j.controllers.endpointslice.SliceTracker;
import io.kube4j.controllers.endpointslice.SliceWriter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Upstream's EndpointSlice mirroring controller: the Endpoints of Services without a selector (made by hand or by
 * another controller) are mirrored into EndpointSlices labelled {@code endpointslice.kubernetes.io/managed-by:
 * endpointslicemirroring-controller.k8s.io}, named {@code <endpoints>-<random>}, owned by the Service, so that
 * consumers of slices (kube-proxy, DNS) see them. Its slices go when the Endpoints go, the Service gains a selector or
 * the Endpoints are labelled {@code endpointslice.kubernetes.io/skip-mirror: "true"}. Key: the Endpoints'
 * {@code namespace/name}. Informers: Endpoints, Services, EndpointSlices.
 */
public final class EndpointSliceMirroringController extends Controller {
    private static final List<String> ADDRESS_TYPES = List.of("IPv4", "IPv6");

    private SharedIndexInformer<Endpoints> endpoints;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private final SliceTracker tracker;
    private final SliceWriter writer;

    public EndpointSliceMirroringController(ControllerContext ctx) {
        super(ctx);
        tracker = new SliceTracker(ctx.clock());
        writer = new SliceWriter(ctx.client(), tracker, name());
    }

    @Override
    public String name() {
        return "endpointslicemirroring";
    }

    @Override
    protected void register() {
        endpoints = ctx.informer(Endpoints.class);
        services = ctx.informer(Service.class);
        slices = ctx.informer(EndpointSlice.class);
        enqueueOn(endpoints, Controller::key);
        enqueueOn(services, Controller::key);
        enqueueOn(slices, s -> managed(s) && serviceName(s) != null
                ? s.getMetadata().getNamespace() + "/" + serviceName(s) : null);
    }

    @Override
    protected void sync(String key) {
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        List<EndpointSlice> existing = new ArrayList<>();
        for (EndpointSlice s : slices.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns)) {
            if (managed(s) && name.equals(serviceName(s)) && s.getMetadata().getDeletionTimestamp() == null) {
                existing.add(s);
            }
        }
        if (tracker.stale(key, existing)) {
            queue.addAfter(key, Duration.ofSeconds(1));
            return;
        }
        Endpoints ep = endpoints.getStore().getByKey(key);
        Service svc = services.getStore().getByKey(key);
        if (!MirroringFunctions.shouldMirror(ep, svc)) {
            writer.apply(key, new SliceReconciler.Plan(List.of(), List.of(), existing));
            return;
        }
        for (String type : ADDRESS_TYPES) {
            List<EndpointSlice> ofType = existing.stream().filter(s -> type.equals(s.getAddressType())).toList();
            SliceReconciler.Plan plan = SliceReconciler.reconcile(MirroringFunctions.meta(ep, svc, type),
                    MirroringFunctions.desired(ep, type), ofType, SliceReconciler.MAX_ENDPOINTS, false);
            writer.apply(key, plan);
        }
    }

    private static boolean managed(EndpointSlice s) {
        Map<String, String> l = s.getMetadata().getLabels();
        return l != null && MirroringFunctions.MANAGED_BY.equals(l.get(SliceMeta.MANAGED_BY_LABEL));
    }

    private static String serviceName(EndpointSlice s) {
        return s.getMetadata().getLabels().get(SliceMeta.SERVICE_NAME_LABEL);
    }
}
