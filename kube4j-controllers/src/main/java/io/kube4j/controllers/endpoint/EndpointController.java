package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.endpointslice.SliceWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Upstream's Endpoints controller: for every Service with a selector, an Endpoints object of the same name holding
 * the subsets {@link EndpointsFunctions} computes from the selected pods; written only when they or the labels
 * changed. When the Service is deleted its Endpoints go too; a Service without a selector is left alone (its
 * Endpoints are made by hand). Warnings FailedToCreateEndpoint / FailedToUpdateEndpoint as upstream.
 * Informers: Services, Pods, Endpoints.
 */
public final class EndpointController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointController.class);

    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Endpoints> endpoints;
    private EventRecorder events;

    public EndpointController(ControllerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "endpoint";
    }

    @Override
    protected int workers() {
        return 5;
    }

    @Override
    protected void register() {
        services = ctx.informer(Service.class);
        pods = ctx.informer(Pod.class);
        endpoints = ctx.informer(Endpoints.class);
        events = ctx.events("endpoint-controller");
        enqueueOn(services, Controller::key);
        pods.addEventHandler(new ServicePodEvents(services, this::enqueue));
        // someone deleted the Endpoints of a service: write them again
        endpoints.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Endpoints ep) {
            }

            @Override
            public void onUpdate(Endpoints oldEp, Endpoints ep) {
            }

            @Override
            public void onDelete(Endpoints ep, boolean unknownFinalState) {
                enqueue(key(ep));
            }
        });
    }

    @Override
    protected void sync(String key) {
        Service svc = services.getStore().getByKey(key);
        String ns = key.substring(0, key.indexOf('/'));
        String name = key.substring(key.indexOf('/') + 1);
        if (svc == null) {
            // as upstream: the Endpoints of a deleted service go with it
            if (endpoints.getStore().getByKey(key) != null) {
                try {
                    ctx.client().endpoints().inNamespace(ns).withName(name).delete();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                }
            }
            return;
        }
        if (!PodEndpoints.hasSelector(svc) || svc.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        List<EndpointSubset> subsets = EndpointsFunctions.subsets(svc, pods.getIndexer().byIndex(Cache.NAMESPACE_INDEX, ns));
        Endpoints current = endpoints.getStore().getByKey(key);
        if (current != null && EndpointsFunctions.upToDate(current, svc, subsets)) {
            return;
        }
        EndpointsBuilder b = current == null
                ? new EndpointsBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                : new EndpointsBuilder(current);
        Endpoints next = b.editMetadata().withLabels(EndpointsFunctions.labels(svc)).endMetadata()
                .withSubsets(subsets).build();
        try {
            if (current == null) {
                ctx.client().endpoints().inNamespace(ns).resource(next).create();
            } else {
                ctx.client().endpoints().inNamespace(ns).resource(next).update();
            }
            LOG.debug("endpoints written service={} subsets={}", key, subsets.size());
        } catch (KubernetesClientException e) {
            if (current == null && SliceWriter.namespaceTerminating(e)) {
                return;
            }
            if (e.getCode() != 409) {
                events.warning(next, null, current == null ? "FailedToCreateEndpoint" : "FailedToUpdateEndpoint",
                        (current == null ? "Failed to create endpoint for service " : "Failed to update endpoint ")
                                + key + ": " + message(e));
            }
            throw e;
        }
    }

    static String message(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
