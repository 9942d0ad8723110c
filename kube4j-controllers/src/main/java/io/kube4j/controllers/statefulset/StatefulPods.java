package io.kube4j.controllers.statefulset;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpecBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A StatefulSet pod's identity as plain functions (upstream's stateful_set_utils): the name {@code <set>-<ordinal>},
 * the identity labels, hostname and subdomain, and the claims {@code <template>-<set>-<ordinal>} its volumes refer
 * to. Stateless and thread-safe.
 */
public final class StatefulPods {
    public static final String POD_NAME = "statefulset.kubernetes.io/pod-name";
    public static final String POD_INDEX = "apps.kubernetes.io/pod-index";
    public static final String REVISION_HASH = "controller-revision-hash";

    private StatefulPods() {
    }

    public static String podName(StatefulSet set, int ordinal) {
        return set.getMetadata().getName() + "-" + ordinal;
    }

    /** The ordinal in a pod's name when the name is {@code <set>-<n>}; -1 otherwise. */
    public static int ordinal(StatefulSet set, String podName) {
        String prefix = set.getMetadata().getName() + "-";
        if (podName == null || !podName.startsWith(prefix)) {
            return -1;
        }
        String rest = podName.substring(prefix.length());
        if (rest.isEmpty() || rest.length() > 9 || !rest.chars().allMatch(Character::isDigit)
                || (rest.length() > 1 && rest.charAt(0) == '0')) {
            return -1;
        }
        return Integer.parseInt(rest);
    }

    public static String claimName(String template, StatefulSet set, int ordinal) {
        return template + "-" + podName(set, ordinal);
    }

    /** The revision (a ControllerRevision name) a pod was made from, or null. */
    public static String revision(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(REVISION_HASH);
    }

    static OwnerReference controllerRef(StatefulSet set) {
        return new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("StatefulSet")
                .withName(set.getMetadata().getName()).withUid(set.getMetadata().getUid())
                .withController(true).withBlockOwnerDeletion(true).build();
    }

    /**
     * The pod of one ordinal made from {@code template} (the template of revision {@code revision}): its identity
     * labels, hostname = pod name, subdomain = the governing service, and a persistentVolumeClaim volume per claim
     * template (replacing a template volume of the same name).
     */
    public static Pod newPod(StatefulSet set, PodTemplateSpec template, String revision, int ordinal) {
        String name = podName(set, ordinal);
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(name);
        meta.setNamespace(set.getMetadata().getNamespace());
        Map<String, String> labels = new LinkedHashMap<>(tm.getLabels() == null ? Map.of() : tm.getLabels());
        labels.put(POD_NAME, name);
        labels.put(POD_INDEX, Integer.toString(ordinal));
        labels.put(REVISION_HASH, revision);
        meta.setLabels(labels);
        meta.setAnnotations(tm.getAnnotations() == null ? null : new HashMap<>(tm.getAnnotations()));
        meta.setOwnerReferences(List.of(controllerRef(set)));
        PodSpec spec = new PodSpecBuilder(template.getSpec()).build();
        spec.setHostname(name);
        spec.setSubdomain(set.getSpec().getServiceName());
        if (set.getSpec().getVolumeClaimTemplates() != null && !set.getSpec().getVolumeClaimTemplates().isEmpty()) {
            List<Volume> volumes = new ArrayList<>();
            for (PersistentVolumeClaim t : set.getSpec().getVolumeClaimTemplates()) {
                volumes.add(new VolumeBuilder().withName(t.getMetadata().getName()).withNewPersistentVolumeClaim()
                        .withClaimName(claimName(t.getMetadata().getName(), set, ordinal)).endPersistentVolumeClaim()
                        .build());
            }
            if (spec.getVolumes() != null) {
                for (Volume v : spec.getVolumes()) {
                    if (volumes.stream().noneMatch(c -> c.getName().equals(v.getName()))) {
                        volumes.add(v);
                    }
                }
            }
            spec.setVolumes(volumes);
        }
        Pod pod = new Pod();
        pod.setMetadata(meta);
        pod.setSpec(spec);
        return pod;
    }

    /**
     * The claims of one ordinal: each template's spec, labelled with the template's labels and the set's selector
     * labels; owned (not controlled) by the set when the retention policy deletes claims with the set
     * (whenDeleted: Delete), so the garbage collector removes them after it.
     */
    public static List<PersistentVolumeClaim> claims(StatefulSet set, int ordinal) {
        List<PersistentVolumeClaim> out = new ArrayList<>();
        if (set.getSpec().getVolumeClaimTemplates() == null) {
            return out;
        }
        for (PersistentVolumeClaim t : set.getSpec().getVolumeClaimTemplates()) {
            ObjectMeta meta = new ObjectMeta();
            meta.setName(claimName(t.getMetadata().getName(), set, ordinal));
            meta.setNamespace(set.getMetadata().getNamespace());
            Map<String, String> labels = new LinkedHashMap<>(
                    t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels());
            if (set.getSpec().getSelector() != null && set.getSpec().getSelector().getMatchLabels() != null) {
                labels.putAll(set.getSpec().getSelector().getMatchLabels());
            }
            meta.setLabels(labels);
            meta.setAnnotations(t.getMetadata().getAnnotations() == null ? null
                    : new HashMap<>(t.getMetadata().getAnnotations()));
            if (deleteClaims(set, true)) {
                meta.setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                        .withKind("StatefulSet").withName(set.getMetadata().getName())
                        .withUid(set.getMetadata().getUid()).build()));
            }
            PersistentVolumeClaim c = new PersistentVolumeClaim();
            c.setMetadata(meta);
            c.setSpec(new PersistentVolumeClaimSpecBuilder(t.getSpec()).build());
            out.add(c);
        }
        return out;
    }

    /** Whether the retention policy deletes claims when the set is deleted ({@code whenDeleted}) or scaled down. */
    public static boolean deleteClaims(StatefulSet set, boolean whenDeleted) {
        var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
        if (policy == null) {
            return false;
        }
        return "Delete".equals(whenDeleted ? policy.getWhenDeleted() : policy.getWhenScaled());
    }
}
