package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.kube4j.controllers.Controller;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The pod informer handler of the Endpoints and EndpointSlice controllers: a pod that appears, changes or goes
 * queues the key of every service of its namespace that selects it (before and after a relabel). Called on the
 * informer's thread; reads only the service cache.
 */
public final class ServicePodEvents implements ResourceEventHandler<Pod> {
    private final SharedIndexInformer<Service> services;
    private final Consumer<String> enqueue;

    public ServicePodEvents(SharedIndexInformer<Service> services, Consumer<String> enqueue) {
        this.services = services;
        this.enqueue = enqueue;
    }

    @Override
    public void onAdd(Pod pod) {
        enqueueServicesOf(pod);
    }

    @Override
    public void onUpdate(Pod oldPod, Pod pod) {
        if (Objects.equals(oldPod.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
            return;
        }
        enqueueServicesOf(pod);
        if (!Objects.equals(oldPod.getMetadata().getLabels(), pod.getMetadata().getLabels())) {
            enqueueServicesOf(oldPod);
        }
    }

    @Override
    public void onDelete(Pod pod, boolean unknownFinalState) {
        enqueueServicesOf(pod);
    }

    private void enqueueServicesOf(Pod pod) {
        for (Service s : services.getIndexer().byIndex(Cache.NAMESPACE_INDEX, pod.getMetadata().getNamespace())) {
            if (PodEndpoints.selects(s, pod)) {
                enqueue.accept(Controller.key(s));
            }
        }
    }
}
