package io.kube4j.apiserver.schema;

import java.util.Map;

/**
 * The strategic-merge-patch directives of the built-in types, which fabric8's classes do not carry:
 * published as {@code x-kubernetes-patch-strategy} and {@code x-kubernetes-patch-merge-key} so that
 * kubectl's client-side apply merges lists by key. Keyed by {@code Type.field}. Immutable.
 */
final class PatchStrategies {
    /** A field's patch strategy and, for lists of objects, the key that identifies an element. */
    record Directive(String strategy, String mergeKey) {
    }

    private static final Directive MERGE_BY_NAME = new Directive("merge", "name");
    private static final Directive MERGE_BY_TYPE = new Directive("merge", "type");

    private static final Map<String, Directive> DIRECTIVES = Map.ofEntries(
            Map.entry("ObjectMeta.finalizers", new Directive("merge", null)),
            Map.entry("ObjectMeta.ownerReferences", new Directive("merge", "uid")),
            Map.entry("PodSpec.containers", MERGE_BY_NAME),
            Map.entry("PodSpec.initContainers", MERGE_BY_NAME),
            Map.entry("PodSpec.ephemeralContainers", MERGE_BY_NAME),
            Map.entry("PodSpec.imagePullSecrets", MERGE_BY_NAME),
            Map.entry("PodSpec.volumes", new Directive("merge,retainKeys", "name")),
            Map.entry("PodSpec.hostAliases", new Directive("merge", "ip")),
            Map.entry("PodSpec.topologySpreadConstraints", new Directive("merge", "topologyKey")),
            Map.entry("PodSpec.resourceClaims", new Directive("merge,retainKeys", "name")),
            Map.entry("PodSpec.schedulingGates", MERGE_BY_NAME),
            Map.entry("Container.ports", new Directive("merge", "containerPort")),
            Map.entry("Container.env", MERGE_BY_NAME),
            Map.entry("Container.volumeMounts", new Directive("merge", "mountPath")),
            Map.entry("Container.volumeDevices", new Directive("merge", "devicePath")),
            Map.entry("EphemeralContainer.ports", new Directive("merge", "containerPort")),
            Map.entry("EphemeralContainer.env", MERGE_BY_NAME),
            Map.entry("EphemeralContainer.volumeMounts", new Directive("merge", "mountPath")),
            Map.entry("EphemeralContainer.volumeDevices", new Directive("merge", "devicePath")),
            Map.entry("PodStatus.conditions", MERGE_BY_TYPE),
            Map.entry("PodStatus.podIPs", new Directive("merge", "ip")),
            Map.entry("PodStatus.hostIPs", new Directive("merge", "ip")),
            Map.entry("ServiceSpec.ports", new Directive("merge", "port")),
            Map.entry("NodeSpec.podCIDRs", new Directive("merge", null)),
            Map.entry("NodeStatus.conditions", MERGE_BY_TYPE),
            Map.entry("NodeStatus.addresses", MERGE_BY_TYPE),
            Map.entry("NamespaceStatus.conditions", MERGE_BY_TYPE),
            Map.entry("PersistentVolumeClaimStatus.conditions", MERGE_BY_TYPE),
            Map.entry("ReplicationControllerStatus.conditions", MERGE_BY_TYPE),
            Map.entry("DeploymentSpec.strategy", new Directive("retainKeys", null)),
            Map.entry("DeploymentStatus.conditions", MERGE_BY_TYPE),
            Map.entry("ReplicaSetStatus.conditions", MERGE_BY_TYPE),
            Map.entry("DaemonSetStatus.conditions", MERGE_BY_TYPE),
            Map.entry("StatefulSetStatus.conditions", MERGE_BY_TYPE),
            Map.entry("JobStatus.conditions", MERGE_BY_TYPE),
            Map.entry("PodDisruptionBudgetStatus.conditions", MERGE_BY_TYPE),
            Map.entry("HorizontalPodAutoscalerStatus.conditions", MERGE_BY_TYPE));

    private PatchStrategies() {
    }

    /** The directive for a field of a type (by simple name), or null when lists are replaced whole. */
    static Directive of(String type, String field) {
        return DIRECTIVES.get(type + "." + field);
    }
}
