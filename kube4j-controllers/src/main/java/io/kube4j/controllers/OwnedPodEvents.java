package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pod event handler of a controller that owns its pods (DaemonSet, Job, StatefulSet): a pod's add or delete is
 * counted against the owner's {@link ControllerExpectations} and the owner is queued; any update queues the owner.
 * A pod whose owner changed queues its old owner too. Pods without a controller may be offered to the controllers
 * whose selector matches them ({@code orphanOwners}), which may adopt them. Called on the informer's thread; holds no
 * state of its own.
 */
public final class OwnedPodEvents implements ResourceEventHandler<Pod> {
    private final Function<Pod, String> ownerKey;
    private final ControllerExpectations expectations;
    private final Consumer<String> enqueue;
    private final Function<Pod, Collection<String>> orphanOwners;

    /** @param ownerKey the "namespace/name" of the pod's owner, or null when this controller does not own it */
    public OwnedPodEvents(Function<Pod, String> ownerKey, ControllerExpectations expectations,
                          Consumer<String> enqueue) {
        this(ownerKey, expectations, enqueue, pod -> List.of());
    }

    /**
     * @param orphanOwners the keys of this controller's objects that select a pod which has no controller at all
     *                     (candidates for adoption)
     */
    public OwnedPodEvents(Function<Pod, String> ownerKey, ControllerExpectations expectations,
                          Consumer<String> enqueue, Function<Pod, Collection<String>> orphanOwners) {
        this.ownerKey = ownerKey;
        this.expectations = expectations;
        this.enqueue = enqueue;
        this.orphanOwners = orphanOwners;
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
        } else if (isOrphan(pod) && pod.getMetadata().getDeletionTimestamp() == null) {
            orphanOwners.apply(pod).forEach(enqueue);
        }
    }

    @Override
    public void onUpdate(Pod oldPod, Pod pod) {
        String oldKey = ownerKey.apply(oldPod);
        String key = ownerKey.apply(pod);
        if (oldKey != null && !oldKey.equals(key)) {
            enqueue.accept(oldKey);
        }
        if (key != null) {
            enqueue.accept(key);
        } else if (isOrphan(pod) && (oldKey != null
                || !Objects.equals(oldPod.getMetadata().getLabels(), pod.getMetadata().getLabels()))) {
            // released, or relabelled: the objects that now select it may adopt it
            orphanOwners.apply(pod).forEach(enqueue);
        }
    }

    private static boolean isOrphan(Pod pod) {
        return ControllerRefManager.controllerRef(pod) == null;
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
