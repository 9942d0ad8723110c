package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Upstream's PodControllerRefManager: one controller object claims the pods it should control. Pods it already
 * controls stay claimed while its selector (and filter) still match them and are released otherwise; orphans (no
 * controller reference) that match are adopted by patching in a controller reference, after one fresh read
 * ({@code canAdopt}) confirms the owner still exists and is not being deleted. Owners being deleted adopt nothing and
 * release nothing. The decision itself is the pure {@link #decide}; {@link #claimPods} applies it with JSON patches
 * guarded by the pod's uid. Used by the ReplicaSet/ReplicationController and StatefulSet controllers from their
 * workers; an instance serves one sync of one owner and is not shared between threads.
 */
public final class ControllerRefManager {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerRefManager.class);

    /** What to do with one candidate pod. */
    public enum Decision {
        /** Controlled by the owner and still matching: claimed. */
        KEEP,
        /** Controlled by the owner but no longer matching: drop the owner's reference. */
        RELEASE,
        /** An orphan that matches: take it over. */
        ADOPT,
        /** Someone else's, or an orphan that does not match: leave alone. */
        IGNORE
    }

    /** The owner: the controller reference written into adopted pods. */
    public record Owner(String apiVersion, String kind, HasMetadata object) {
        String uid() {
            return object.getMetadata().getUid();
        }

        boolean deleting() {
            return object.getMetadata().getDeletionTimestamp() != null;
        }

        String describe() {
            return kind + " " + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
        }
    }

    private final KubernetesClient client;
    private final Owner owner;
    private final LabelSelector selector;
    private final Predicate<Pod> filter;
    private final BooleanSupplier canAdopt;
    private Boolean adoptable;

    /**
     * @param filter   an extra condition a pod must meet to belong to the owner (upstream's StatefulSet asks that the
     *                 pod's name be {@code <set>-<ordinal>}); {@code p -> true} for none
     * @param canAdopt a fresh read of the owner, asked at most once and only when there is an orphan to adopt
     */
    public ControllerRefManager(KubernetesClient client, Owner owner, LabelSelector selector, Predicate<Pod> filter,
                                BooleanSupplier canAdopt) {
        this.client = client;
        this.owner = owner;
        this.selector = selector;
        this.filter = filter;
        this.canAdopt = canAdopt;
    }

    /** The object's controller reference (the one with {@code controller: true}), or null. */
    public static OwnerReference controllerRef(ObjectMeta meta) {
        if (meta == null || meta.getOwnerReferences() == null) {
            return null;
        }
        for (OwnerReference r : meta.getOwnerReferences()) {
            if (Boolean.TRUE.equals(r.getController())) {
                return r;
            }
        }
        return null;
    }

    public static OwnerReference controllerRef(HasMetadata obj) {
        return controllerRef(obj.getMetadata());
    }

    /**
     * The claim decision for one pod, pure: {@code matches} says whether the selector and filter select it.
     * A terminating orphan is never adopted; the owner's own pods stay claimed while the owner is being deleted.
     */
    public static Decision decide(String ownerUid, boolean ownerDeleting, ObjectMeta pod, boolean matches) {
        OwnerReference ref = controllerRef(pod);
        if (ref != null) {
            if (!ownerUid.equals(ref.getUid())) {
                return Decision.IGNORE;
            }
            return matches || ownerDeleting ? Decision.KEEP : Decision.RELEASE;
        }
        if (ownerDeleting || !matches || pod.getDeletionTimestamp() != null) {
            return Decision.IGNORE;
        }
        return Decision.ADOPT;
    }

    /** The pods of {@code candidates} the owner controls after adopting and releasing; adopted ones as patched. */
    public List<Pod> claimPods(List<Pod> candidates) {
        List<Pod> claimed = new ArrayList<>();
        for (Pod pod : candidates) {
            boolean matches = Selectors.matches(selector, pod.getMetadata().getLabels()) && filter.test(pod);
            switch (decide(owner.uid(), owner.deleting(), pod.getMetadata(), matches)) {
                case KEEP -> claimed.add(pod);
                case RELEASE -> release(pod);
                case ADOPT -> {
                    if (adoptable == null) {
                        adoptable = canAdopt.getAsBoolean();
                    }
                    if (adoptable) {
                        Pod adopted = adopt(pod);
                        if (adopted != null) {
                            claimed.add(adopted);
                        }
                    }
                }
                case IGNORE -> {
                }
            }
        }
        return claimed;
    }

    /** The JSON patch that adds the owner's controller reference, only to the pod with this uid. */
    public static String adoptPatch(KubernetesSerialization json, Owner owner, ObjectMeta pod) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("apiVersion", owner.apiVersion());
        ref.put("kind", owner.kind());
        ref.put("name", owner.object().getMetadata().getName());
        ref.put("uid", owner.uid());
        ref.put("controller", true);
        ref.put("blockOwnerDeletion", true);
        boolean hasRefs = pod.getOwnerReferences() != null && !pod.getOwnerReferences().isEmpty();
        return "[" + uidTest(pod) + ","
                + (hasRefs ? "{\"op\":\"add\",\"path\":\"/metadata/ownerReferences/-\",\"value\":" + json.asJson(ref) + "}]"
                : "{\"op\":\"add\",\"path\":\"/metadata/ownerReferences\",\"value\":[" + json.asJson(ref) + "]}]");
    }

    /** The JSON patch that drops every reference to {@code ownerUid}, only from the pod with this uid. */
    public static String releasePatch(KubernetesSerialization json, String ownerUid, ObjectMeta pod) {
        List<Map<String, Object>> kept = new ArrayList<>();
        for (OwnerReference r : pod.getOwnerReferences()) {
            if (!ownerUid.equals(r.getUid())) {
                kept.add(refMap(r));
            }
        }
        return "[" + uidTest(pod) + ","
                + (kept.isEmpty() ? "{\"op\":\"remove\",\"path\":\"/metadata/ownerReferences\"}]"
                : "{\"op\":\"replace\",\"path\":\"/metadata/ownerReferences\",\"value\":" + json.asJson(kept) + "}]");
    }

    private static String uidTest(ObjectMeta pod) {
        return "{\"op\":\"test\",\"path\":\"/metadata/uid\",\"value\":\"" + pod.getUid() + "\"}";
    }

    private Pod adopt(Pod pod) {
        String patch = adoptPatch(client.getKubernetesSerialization(), owner, pod.getMetadata());
        try {
            Pod p = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON), patch);
            LOG.info("{} adopted pod {}", owner.describe(), pod.getMetadata().getName());
            return p;
        } catch (KubernetesClientException e) {
            // gone, or replaced by another pod of the same name (the uid test failed): nothing to adopt
            if (e.getCode() == 404 || e.getCode() == 422) {
                return null;
            }
            throw e;
        }
    }

    private void release(Pod pod) {
        String patch = releasePatch(client.getKubernetesSerialization(), owner.uid(), pod.getMetadata());
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON), patch);
            LOG.info("{} released pod {}", owner.describe(), pod.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 422) {
                throw e;
            }
        }
    }

    /** An owner reference as the plain map a JSON patch carries (unset flags left out). */
    public static Map<String, Object> refMap(OwnerReference r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("apiVersion", r.getApiVersion());
        m.put("kind", r.getKind());
        m.put("name", r.getName());
        m.put("uid", r.getUid());
        if (r.getController() != null) {
            m.put("controller", r.getController());
        }
        if (r.getBlockOwnerDeletion() != null) {
            m.put("blockOwnerDeletion", r.getBlockOwnerDeletion());
        }
        return m;
    }
}
