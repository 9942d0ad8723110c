package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The probe clock: only changes in the heartbeat or the lease move it, by the controller's clock. */
class NodeHealthTest {
    static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    static Node node(String heartbeat) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName("n").withCreationTimestamp("2024-12-31T23:00:00Z")
                .endMetadata();
        if (heartbeat != null) {
            b.withNewStatus().addNewCondition().withType("Ready").withStatus("True").withLastHeartbeatTime(heartbeat)
                    .endCondition().endStatus();
        }
        return b.build();
    }

    static Lease lease(Instant renew) {
        return new LeaseBuilder().withNewMetadata().withName("n").withNamespace("kube-node-lease").endMetadata()
                .withNewSpec().withRenewTime(renew.atZone(ZoneOffset.UTC)).endSpec().build();
    }

    @Test
    void probeMovesOnlyWhenTheLeaseOrHeartbeatDoes() {
        NodeHealth h = new NodeHealth();
        assertThat(h.observe(node("hb1"), lease(T), T)).isEqualTo(T);
        assertThat(h.observe(node("hb1"), lease(T), T.plusSeconds(30))).isEqualTo(T);
        assertThat(h.observe(node("hb1"), lease(T.plusSeconds(10)), T.plusSeconds(35))).isEqualTo(T.plusSeconds(35));
        assertThat(h.observe(node("hb2"), lease(T.plusSeconds(10)), T.plusSeconds(50))).isEqualTo(T.plusSeconds(50));
        assertThat(h.observe(node("hb2"), lease(T.plusSeconds(10)), T.plusSeconds(200))).isEqualTo(T.plusSeconds(50));
    }

    @Test
    void aNodeThatNeverPostedCountsFromItsCreation() {
        NodeHealth h = new NodeHealth();
        assertThat(h.observe(node(null), null, T)).isEqualTo(Instant.parse("2024-12-31T23:00:00Z"));
    }
}
