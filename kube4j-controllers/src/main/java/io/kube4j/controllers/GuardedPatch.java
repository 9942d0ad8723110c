package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * JSON patches that apply only to the version of an object they were computed from (a {@code test} of
 * {@code metadata.resourceVersion} first), and the finalizer edits built on them: read the live object, change it,
 * retry a few times when it changed meanwhile. Used by the garbage collector and the volume protection controllers;
 * stateless and thread-safe.
 */
public final class GuardedPatch {
    public static final int ATTEMPTS = 5;
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private GuardedPatch() {
    }

    /**
     * Applies the JSON patch operation {@code op} if the object is still at {@code live}'s resourceVersion.
     *
     * @return true when applied or when the object is gone; false when it changed meanwhile
     */
    public static <T extends HasMetadata> boolean apply(Resource<T> r, T live, String op) {
        String patch = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
                + live.getMetadata().getResourceVersion() + "\"}," + op + "]";
        try {
            r.patch(PatchContext.of(PatchType.JSON), patch);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return true;
            }
            if (e.getCode() == 409 || e.getCode() == 422) {
                return false;
            }
            throw e;
        }
    }

    public static boolean hasFinalizer(ObjectMeta meta, String finalizer) {
        return meta.getFinalizers() != null && meta.getFinalizers().contains(finalizer);
    }

    /** Removes {@code finalizer} from the object {@code r} names while it is still the object with {@code uid}. */
    public static <T extends HasMetadata> void removeFinalizer(Resource<T> r, String uid, String finalizer) {
        editFinalizers(r, uid, finalizer, false);
    }

    /** Adds {@code finalizer} to the object {@code r} names while it is still the object with {@code uid}. */
    public static <T extends HasMetadata> void addFinalizer(Resource<T> r, String uid, String finalizer) {
        editFinalizers(r, uid, finalizer, true);
    }

    private static <T extends HasMetadata> void editFinalizers(Resource<T> r, String uid, String finalizer,
                                                               boolean add) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            T live = r.get();
            if (live == null || !Objects.equals(live.getMetadata().getUid(), uid)
                    || hasFinalizer(live.getMetadata(), finalizer) == add
                    || (add && live.getMetadata().getDeletionTimestamp() != null)) {
                return;
            }
            List<String> next = live.getMetadata().getFinalizers() == null ? new ArrayList<>()
                    : new ArrayList<>(live.getMetadata().getFinalizers());
            if (add) {
                next.add(finalizer);
            } else {
                next.remove(finalizer);
            }
            if (apply(r, live, set("/metadata/finalizers", next))) {
                return;
            }
        }
        throw new IllegalStateException("finalizers of " + r.get().getMetadata().getName() + " kept changing");
    }

    /** The JSON patch operation that sets the member {@code path} to {@code value}, whether it exists or not. */
    public static String set(String path, Object value) {
        return "{\"op\":\"add\",\"path\":\"" + path + "\",\"value\":" + JSON.asJson(value) + "}";
    }
}
