package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;

import java.util.Map;
import java.util.function.Function;

/**
 * One kind the replica set logic serves: ReplicaSets (apps/v1) as they are, ReplicationControllers (v1) seen as
 * ReplicaSets, as upstream's replication controller does through its conversion. The view shares the original's
 * metadata and template (read-only). Immutable.
 */
public record ReplicaSetKind<T extends HasMetadata>(Class<T> type, String apiVersion, String kind, String name,
                                                   String component, Function<T, ReplicaSet> view) {

    public static final ReplicaSetKind<ReplicaSet> REPLICA_SET = new ReplicaSetKind<>(ReplicaSet.class, "apps/v1",
            "ReplicaSet", "replicaset", "replicaset-controller", rs -> rs);

    public static final ReplicaSetKind<ReplicationController> REPLICATION_CONTROLLER = new ReplicaSetKind<>(
            ReplicationController.class, "v1", "ReplicationController", "replicationcontroller",
            "replication-controller", ReplicaSetKind::fromReplicationController);

    /** The ReplicaSet an RC stands for: its map selector (the template's labels when empty) as matchLabels. */
    static ReplicaSet fromReplicationController(ReplicationController rc) {
        var spec = rc.getSpec();
        Map<String, String> selector = spec == null ? null : spec.getSelector();
        if ((selector == null || selector.isEmpty()) && spec != null && spec.getTemplate() != null
                && spec.getTemplate().getMetadata() != null) {
            selector = spec.getTemplate().getMetadata().getLabels();
        }
        ReplicaSetBuilder b = new ReplicaSetBuilder().withApiVersion("v1").withKind("ReplicationController")
                .withMetadata(rc.getMetadata())
                .withNewSpec()
                .withReplicas(spec == null ? null : spec.getReplicas())
                .withMinReadySeconds(spec == null ? null : spec.getMinReadySeconds())
                .withSelector(selector == null ? null : new LabelSelectorBuilder().withMatchLabels(selector).build())
                .withTemplate(spec == null ? null : spec.getTemplate())
                .endSpec();
        var st = rc.getStatus();
        if (st != null) {
            ReplicaSetStatusBuilder sb = new ReplicaSetStatusBuilder().withReplicas(st.getReplicas())
                    .withFullyLabeledReplicas(st.getFullyLabeledReplicas()).withReadyReplicas(st.getReadyReplicas())
                    .withAvailableReplicas(st.getAvailableReplicas()).withObservedGeneration(st.getObservedGeneration());
            if (st.getConditions() != null) {
                st.getConditions().forEach(c -> sb.addToConditions(new ReplicaSetConditionBuilder()
                        .withType(c.getType()).withStatus(c.getStatus()).withReason(c.getReason())
                        .withMessage(c.getMessage()).withLastTransitionTime(c.getLastTransitionTime()).build()));
            }
            b.withStatus(sb.build());
        }
        return b.build();
    }
}
