package io.kube4j.controllers.replicaset;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

import java.time.Instant;
import java.util.Map;

/** Pods in the states the status and ranking functions look at. */
final class TestPods {
    private TestPods() {
    }

    static PodBuilder pod(String name, Instant created) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name)
                .withCreationTimestamp(created.toString()).withLabels(Map.of("app", "kubia")).endMetadata()
                .withNewSpec().endSpec().withNewStatus().withPhase("Pending").endStatus();
    }

    static Pod running(String name, String node, Instant created, Instant readySince) {
        PodBuilder b = pod(name, created).editSpec().withNodeName(node).endSpec()
                .editStatus().withPhase("Running").endStatus();
        if (readySince != null) {
            b.editStatus().addNewCondition().withType("Ready").withStatus("True")
                    .withLastTransitionTime(readySince.toString()).endCondition().endStatus();
        } else {
            b.editStatus().addNewCondition().withType("Ready").withStatus("False").endCondition().endStatus();
        }
        return b.build();
    }
}
