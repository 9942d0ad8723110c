package io.kube4j.controllers.history;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ControllerRevisions of one owner kind (upstream's pkg/controller/history), shared by the DaemonSet and
 * StatefulSet controllers: a revision per template, named {@code <owner>-<hash>}, numbered 1, 2, ...; going back to
 * an old template (a rollback) moves its revision to the top instead of creating another; the oldest revisions no
 * pod uses are deleted beyond the owner's history limit. Reads from the shared informer's cache, writes through the
 * client. Thread-safe as long as one owner is handled by one worker at a time (the work queue guarantees it).
 */
public final class RevisionHistory {
    private final KubernetesClient client;
    private final SharedIndexInformer<ControllerRevision> revisions;
    private final String kind;

    public RevisionHistory(KubernetesClient client, SharedIndexInformer<ControllerRevision> revisions, String kind) {
        this.client = client;
        this.revisions = revisions;
        this.kind = kind;
    }

    /** The revisions the owner controls, oldest revision number first. */
    public List<ControllerRevision> owned(HasMetadata owner) {
        List<ControllerRevision> mine = new ArrayList<>();
        for (ControllerRevision r : revisions.getIndexer().byIndex(Cache.NAMESPACE_INDEX,
                owner.getMetadata().getNamespace())) {
            if (r.getMetadata().getOwnerReferences() != null && r.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> Boolean.TRUE.equals(o.getController())
                            && owner.getMetadata().getUid().equals(o.getUid()))) {
                mine.add(r);
            }
        }
        mine.sort(Comparator.comparingLong(RevisionHistory::number));
        return mine;
    }

    public static long number(ControllerRevision r) {
        return r.getRevision() == null ? 0 : r.getRevision();
    }

    /** The revision name for a hash: {@code <owner>-<hash>}. */
    public static String name(HasMetadata owner, String hash) {
        return owner.getMetadata().getName() + "-" + hash;
    }

    /**
     * Makes the revision of {@code hash} the newest one: creates it with {@code labels}, {@code annotations} (may be
     * null) and {@code data} (the patch
     * that brings the owner back to this template) or, when it exists with a lower number than the newest, gives it
     * the next number. Returns the revision as it is now.
     */
    public ControllerRevision ensure(HasMetadata owner, String hash, Map<String, String> labels,
                                     Map<String, String> annotations, Object data) {
        String ns = owner.getMetadata().getNamespace();
        String name = name(owner, hash);
        List<ControllerRevision> mine = owned(owner);
        long max = mine.stream().mapToLong(RevisionHistory::number).max().orElse(0);
        ControllerRevision current = mine.stream().filter(r -> name.equals(r.getMetadata().getName()))
                .findFirst().orElse(null);
        if (current == null) {
            ControllerRevision r = new ControllerRevision();
            ObjectMeta meta = new ObjectMeta();
            meta.setName(name);
            meta.setNamespace(ns);
            meta.setLabels(new LinkedHashMap<>(labels));
            meta.setAnnotations(annotations == null || annotations.isEmpty() ? null : new LinkedHashMap<>(annotations));
            meta.setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind(kind)
                    .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                    .withController(true).withBlockOwnerDeletion(true).build()));
            r.setMetadata(meta);
            r.setRevision(max + 1);
            r.setData(data);
            try {
                return client.apps().controllerRevisions().inNamespace(ns).resource(r).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                // created by an earlier sync the cache has not shown yet
                return client.apps().controllerRevisions().inNamespace(ns).withName(name).get();
            }
        }
        if (number(current) < max) {
            ControllerRevision bumped = client.getKubernetesSerialization().clone(current);
            bumped.setRevision(max + 1);
            return client.apps().controllerRevisions().inNamespace(ns).resource(bumped).update();
        }
        return current;
    }

    /**
     * Deletes the oldest revisions whose names are not in {@code inUse} while more than {@code limit} such
     * revisions are left (upstream's truncateHistory).
     */
    public void truncate(HasMetadata owner, Set<String> inUse, int limit) {
        String ns = owner.getMetadata().getNamespace();
        List<ControllerRevision> old = owned(owner).stream()
                .filter(r -> !inUse.contains(r.getMetadata().getName())).toList();
        for (int i = 0; i < old.size() - limit; i++) {
            try {
                client.apps().controllerRevisions().inNamespace(ns).withName(old.get(i).getMetadata().getName())
                        .delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
        }
    }

    /**
     * A revision's data for a pod template: the strategic merge patch {@code kubectl rollout undo} applies to go
     * back to it, {@code {"spec":{"template":{..., "$patch":"replace"}}}} (the directive inside the template, so
     * only the template is replaced and the rest of the spec stays).
     */
    public static Map<String, Object> templatePatch(KubernetesSerialization json, PodTemplateSpec template) {
        @SuppressWarnings("unchecked")
        Map<String, Object> t = new LinkedHashMap<>(json.convertValue(template, Map.class));
        t.put("$patch", "replace");
        return Map.of("spec", Map.of("template", t));
    }
}
