package io.kube4j.controllers.localpath;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The objects of the local-path provisioner, as plain functions: the default StorageClass, the hostPath
 * PersistentVolume for a claim on its selected node, and the helper pod that removes a volume's directory. Pure;
 * thread-safe.
 */
public final class LocalPathVolumes {
    public static final String CLASS_NAME = "local-path";
    public static final String PROVISIONER = "kube4j.io/local-path";
    public static final String DEFAULT_DIR = "/var/lib/kube4j/agent/storage";
    public static final String HELPER_IMAGE = "kube4j.local/busybox:1.36";
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    private LocalPathVolumes() {
    }

    /** {@code local-path}: the default class, WaitForFirstConsumer, Delete. */
    public static StorageClass storageClass() {
        return new StorageClassBuilder().withNewMetadata().withName(CLASS_NAME)
                .withAnnotations(Map.of("storageclass.kubernetes.io/is-default-class", "true")).endMetadata()
                .withProvisioner(PROVISIONER).withReclaimPolicy("Delete")
                .withVolumeBindingMode("WaitForFirstConsumer").build();
    }

    /** The name of a claim's volume: {@code pvc-<claim uid>}, as upstream's provisioners name them. */
    public static String volumeName(PersistentVolumeClaim claim) {
        return "pvc-" + claim.getMetadata().getUid();
    }

    /** Where the volume lives on its node: {@code <dir>/pvc-<uid>_<namespace>_<name>}. */
    public static String path(String dir, PersistentVolumeClaim claim) {
        String base = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
        return base + "/" + volumeName(claim) + "_" + claim.getMetadata().getNamespace() + "_"
                + claim.getMetadata().getName();
    }

    /** The volume for a claim on a node: pre-bound to the claim, capacity = request, the class's reclaim policy. */
    public static PersistentVolume volume(PersistentVolumeClaim claim, StorageClass sc, String node, String dir) {
        Quantity request = claim.getSpec().getResources() == null
                || claim.getSpec().getResources().getRequests() == null ? null
                : claim.getSpec().getResources().getRequests().get("storage");
        String policy = sc.getReclaimPolicy() == null ? "Delete" : sc.getReclaimPolicy();
        return new PersistentVolumeBuilder().withNewMetadata().withName(volumeName(claim))
                .withAnnotations(Map.of("pv.kubernetes.io/provisioned-by", PROVISIONER,
                        "volume.kubernetes.io/selected-node", node))
                .endMetadata()
                .withNewSpec().withCapacity(Map.of("storage", request == null ? new Quantity("0") : request))
                .withAccessModes(claim.getSpec().getAccessModes())
                .withPersistentVolumeReclaimPolicy(policy).withStorageClassName(sc.getMetadata().getName())
                .withVolumeMode(claim.getSpec().getVolumeMode() == null ? "Filesystem" : claim.getSpec().getVolumeMode())
                .withNewHostPath().withPath(path(dir, claim)).withType("DirectoryOrCreate").endHostPath()
                .withNewClaimRef().withKind("PersistentVolumeClaim").withApiVersion("v1")
                .withNamespace(claim.getMetadata().getNamespace()).withName(claim.getMetadata().getName())
                .withUid(claim.getMetadata().getUid()).withResourceVersion(claim.getMetadata().getResourceVersion())
                .endClaimRef()
                .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm()
                .withMatchExpressions(new NodeSelectorRequirement(HOSTNAME_LABEL, "In", List.of(node)))
                .endNodeSelectorTerm().endRequired().endNodeAffinity()
                .endSpec().build();
    }

    /** The node a provisioned volume lives on, from its nodeAffinity. */
    public static Optional<String> node(PersistentVolume v) {
        if (v.getSpec().getNodeAffinity() == null || v.getSpec().getNodeAffinity().getRequired() == null) {
            return Optional.empty();
        }
        return v.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().stream()
                .flatMap(t -> t.getMatchExpressions() == null ? java.util.stream.Stream.empty()
                        : t.getMatchExpressions().stream())
                .filter(r -> HOSTNAME_LABEL.equals(r.getKey()) && "In".equals(r.getOperator())
                        && r.getValues() != null && r.getValues().size() == 1)
                .map(r -> r.getValues().getFirst()).findFirst();
    }

    /** The name of the pod that deletes a volume's directory. */
    public static String helperPodName(PersistentVolume v) {
        return "helper-pod-delete-" + v.getMetadata().getName();
    }

    /**
     * The short-lived pod that removes a volume's directory on its node, as k3s's local-path provisioner does: the
     * parent directory mounted at the same path, {@code rm -rf} of the volume's directory.
     */
    public static Pod deleterPod(PersistentVolume v, String node, String namespace) {
        String path = v.getSpec().getHostPath().getPath();
        String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
        return new PodBuilder().withNewMetadata().withName(helperPodName(v)).withNamespace(namespace)
                .withLabels(Map.of("app.kubernetes.io/managed-by", "local-path-provisioner")).endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy("Never")
                .addNewToleration().withOperator("Exists").endToleration()
                .addNewContainer().withName("helper-pod").withImage(HELPER_IMAGE)
                .withCommand("/bin/sh", "-c", "rm -rf \"$VOL_DIR\"")
                .addNewEnv().withName("VOL_DIR").withValue(path).endEnv()
                .addNewVolumeMount().withName("data").withMountPath(parent).endVolumeMount().endContainer()
                .addNewVolume().withName("data").withNewHostPath().withPath(parent).withType("DirectoryOrCreate")
                .endHostPath().endVolume().endSpec().build();
    }
}
