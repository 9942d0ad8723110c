package io.kube4j.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeploymentPlanTest {
    static Deployment deployment(int replicas, Object surge, Object unavailable) {
        return new DeploymentBuilder().withNewMetadata().withName("d").withNamespace("ns").withUid("u").endMetadata()
                .withNewSpec().withReplicas(replicas).withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(surge == null ? null : ios(surge)).withMaxUnavailable(unavailable == null ? null
                        : ios(unavailable)).endRollingUpdate().endStrategy().endSpec().build();
    }

    static IntOrString ios(Object o) {
        return o instanceof Integer i ? new IntOrString(i) : new IntOrString((String) o);
    }

    static ReplicaSet rs(String name, String created, int spec, int available) {
        return new ReplicaSetBuilder().withNewMetadata().withName(name).withCreationTimestamp(created).endMetadata()
                .withNewSpec().withReplicas(spec).endSpec().withNewStatus().withReplicas(spec)
                .withAvailableReplicas(available).endStatus().build();
    }

    @Test
    void defaultsAreTwentyFivePercentRoundedAsUpstream() {
        Deployment d = deployment(3, null, null);
        assertThat(DeploymentPlan.maxSurge(d)).isEqualTo(1);
        assertThat(DeploymentPlan.maxUnavailable(d)).isZero();
        Deployment ten = deployment(10, "25%", "25%");
        assertThat(DeploymentPlan.maxSurge(ten)).isEqualTo(3);
        assertThat(DeploymentPlan.maxUnavailable(ten)).isEqualTo(2);
        assertThat(DeploymentPlan.maxUnavailable(deployment(3, 0, 0))).isEqualTo(1);
    }

    @Test
    void aRollingUpdateSurgesThenScalesOldDownAsNewBecomeAvailable() {
        // the book's kubia: 3 replicas, maxSurge 1, maxUnavailable 0
        Deployment d = deployment(3, 1, 0);
        ReplicaSet old = rs("v1", "2026-01-01T00:00:00Z", 3, 3);
        ReplicaSet fresh = rs("v2", "2026-01-01T00:01:00Z", 0, 0);
        assertThat(DeploymentPlan.newReplicaSetReplicas(d, fresh, List.of(old, fresh))).isEqualTo(1);
        // one new pod, not yet available: nothing old may go
        fresh = rs("v2", "2026-01-01T00:01:00Z", 1, 0);
        assertThat(DeploymentPlan.oldReplicaSetReplicas(d, fresh, List.of(old))).isEqualTo(Map.of("v1", 3));
        // available: one old pod goes
        fresh = rs("v2", "2026-01-01T00:01:00Z", 1, 1);
        assertThat(DeploymentPlan.oldReplicaSetReplicas(d, fresh, List.of(old))).isEqualTo(Map.of("v1", 2));
        ReplicaSet old2 = rs("v1", "2026-01-01T00:00:00Z", 2, 2);
        assertThat(DeploymentPlan.newReplicaSetReplicas(d, fresh, List.of(old2, fresh))).isEqualTo(2);
    }

    @Test
    void unhealthyOldReplicasGoFirstAndOldestReplicaSetsFirst() {
        Deployment d = deployment(4, 0, 1);
        ReplicaSet oldest = rs("a", "2026-01-01T00:00:00Z", 2, 1);
        ReplicaSet older = rs("b", "2026-01-01T00:01:00Z", 2, 2);
        ReplicaSet fresh = rs("c", "2026-01-01T00:02:00Z", 0, 0);
        Map<String, Integer> next = DeploymentPlan.oldReplicaSetReplicas(d, fresh, List.of(older, oldest));
        assertThat(next).containsEntry("a", 1).containsEntry("b", 2);
    }

    @Test
    void templateHashesAreStableAndSafe() {
        var template = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder().withNewMetadata()
                .addToLabels("app", "kubia").endMetadata().withNewSpec().addNewContainer().withName("nodejs")
                .withImage("kube4j.local/kubia:1").endContainer().endSpec().build();
        String h = TemplateHash.of(template, null);
        assertThat(h).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
        assertThat(TemplateHash.of(template, null)).isEqualTo(h);
        var withHashLabel = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(template).editMetadata()
                .addToLabels("pod-template-hash", h).endMetadata().build();
        assertThat(TemplateHash.of(withHashLabel, null)).isEqualTo(h);
        var v2 = new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(template).editSpec().editFirstContainer()
                .withImage("kube4j.local/kubia:2").endContainer().endSpec().build();
        assertThat(TemplateHash.of(v2, null)).isNotEqualTo(h);
        assertThat(TemplateHash.of(template, 1)).isNotEqualTo(h);
    }
}
