package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pod event handler of a controller that owns its pods (DaemonSet, Job, StatefulSet): a pod's add or delete is
 * counted against the owner's {@link ControllerExpectations} and the owner is queued; any update queues the owner.
 * Pods without such an owner are ignored. Called on the informer's thread; holds no state of its own.
 */
public final class OwnedPodEvents implements ResourceEventHandler<Pod> {
    private final Function<Pod, String> ownerKey;
    private final ControllerExpectations expectations;
    private final Consumer<String> enqueue;

    /** @param ownerKey the "namespace/name" of the pod's owner, or null when this controller does not own it */
    public OwnedPodEvents(Function<Pod, String> ownerKey, ControllerExpectations expectations,
                          Consumer<String> enqueue) {
        this.ownerKey = ownerKey;
        this.expectations = expectations;
        this.enqueue = enqueue;
    }

    /** The "namespace/name" of the object's controller when it is of {@code kind}, else null. */
    public static String controllerKey(ObjectMeta meta, String kind) {
        if (meta.getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference r : meta.getOwnerReferences()) {
            if (Boolean.TRUE.equals(r.getController()) && kind.equals(r.getKind())) {
                return meta.getNamespace() + "/" + r.getName();
            }
        }
        return null;
    }

    @Override
    public void onAdd(Pod pod) {
        String key = ownerKey.apply(pod);
        if (key != null) {
            expectations.creationObserved(key);
            enqueue.accept(key);
        }
    }

    @Override
    public void onUpdate(Pod oldPod, Pod pod) {
        String key = ownerKey.apply(pod);
        if (key != null) {
            enqueue.accept(key);
        }
    }

    @Override
    public void onDelete(Pod pod, boolean unknownFinalState) {
        String key = ownerKey.apply(pod);
        if (key != null) {
            expectations.deletionObserved(key);
            enqueue.accept(key);
        }
    }
}
