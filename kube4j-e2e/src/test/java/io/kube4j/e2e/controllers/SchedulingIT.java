package io.kube4j.e2e.controllers;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default scheduler with real kubectl and the shared server's real node: pods without {@code nodeName} are
 * bound by the scheduler, and pods that fit nowhere stay Pending with upstream's FailedScheduling messages. Tests
 * that label, cordon or taint the node undo it in {@code finally}.
 */
@Kube4jE2E
class SchedulingIT {
    static final String NODE = NodePods.NODE;
    static final Duration WAIT = Duration.ofSeconds(30);

    /** A kubia pod without a node; {@code extraSpec} lines are indented by two spaces. */
    static String pod(String name, String extraSpec) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  terminationGracePeriodSeconds: 2
                %s
                  containers:
                  - name: kubia
                    image: %s
                    ports:
                    - containerPort: 8080
                """.formatted(name, extraSpec.stripTrailing(), NodePods.KUBIA);
    }

    static void awaitFailedScheduling(TestNamespace ns, String pod, String regex) {
        Pattern p = Pattern.compile("Warning FailedScheduling " + regex);
        NodePods.awaitEvent(ns, pod, l -> p.matcher(l).matches(), WAIT);
        assertThat(NodePods.jsonPath(ns, "pod/" + pod, "{.status.phase}")).isEqualTo("Pending");
        assertThat(NodePods.jsonPath(ns, "pod/" + pod, "{.spec.nodeName}")).isEmpty();
        String condition = NodePods.awaitJsonPath(ns, "pod/" + pod,
                "{.status.conditions[?(@.type==\"PodScheduled\")].status} {.status.conditions[?(@.type==\"PodScheduled\")].reason}",
                s -> !s.isBlank(), WAIT);
        assertThat(condition).isEqualTo("False Unschedulable");
    }

    static void awaitScheduledOnNode(TestNamespace ns, String pod) {
        NodePods.awaitJsonPath(ns, "pod/" + pod, "{.spec.nodeName}", NODE::equals, WAIT);
        NodePods.awaitEvent(ns, pod, ("Normal Scheduled Successfully assigned " + ns.name() + "/" + pod + " to "
                + NODE)::equals, WAIT);
    }

    @Test
    void kubectlRunIsScheduledAndRuns(TestNamespace ns) {
        assertThat(ns.kubectl().run("run", "kubia", "--image=" + NodePods.KUBIA, "--port=8080")).succeeds()
                .printed("pod/kubia created");
        awaitScheduledOnNode(ns, "kubia");
        NodePods.waitReady(ns, "kubia");
        assertThat(NodePods.jsonPath(ns, "pod/kubia", "{.status.conditions[?(@.type==\"PodScheduled\")].status}"))
                .isEqualTo("True");
        assertThat(ns.kubectl().run("describe", "pod", "kubia")).succeeds().hasLineMatching(
                "\\s*Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned " + ns.name()
                        + "/kubia to " + NODE);
    }

    @Test
    void nodeSelectorWaitsForTheLabel(TestNamespace ns) {
        try {
            NodePods.apply(ns, pod("gpu", "  nodeSelector:\n    gpu: \"true\""));
            awaitFailedScheduling(ns, "gpu", "0/(\\d+) nodes are available: \\1 node\\(s\\) didn't match Pod's node"
                    + " affinity/selector\\. preemption: 0/\\1 nodes are available: \\1 Preemption is not helpful for"
                    + " scheduling\\.");
            assertThat(ns.kubectl().run("label", "node", NODE, "gpu=true")).succeeds();
            awaitScheduledOnNode(ns, "gpu");
            NodePods.waitReady(ns, "gpu");
        } finally {
            ns.kubectl().run("label", "node", NODE, "gpu-");
        }
    }

    @Test
    void tooLargeARequestStaysPending(TestNamespace ns) {
        NodePods.apply(ns, pod("greedy", "").replace("    - containerPort: 8080\n",
                "    - containerPort: 8080\n    resources:\n      requests:\n        cpu: \"100\"\n"));
        awaitFailedScheduling(ns, "greedy", "0/(\\d+) nodes are available: .*\\d+ Insufficient cpu.*\\. preemption: "
                + "0/\\1 nodes are available: .*");
    }

    @Test
    void cordonedNodeTakesNoNewPods(TestNamespace ns) {
        try {
            assertThat(ns.kubectl().run("cordon", NODE)).succeeds().printed("node/" + NODE + " cordoned");
            NodePods.apply(ns, pod("waiting", ""));
            awaitFailedScheduling(ns, "waiting", "0/(\\d+) nodes are available: .*\\d+ node\\(s\\) were"
                    + " unschedulable.*");
            assertThat(ns.kubectl().run("uncordon", NODE)).succeeds().printed("node/" + NODE + " uncordoned");
            awaitScheduledOnNode(ns, "waiting");
        } finally {
            ns.kubectl().run("uncordon", NODE);
        }
    }

    @Test
    void noScheduleTaintNeedsAToleration(TestNamespace ns) {
        try {
            assertThat(ns.kubectl().run("taint", "node", NODE, "dedicated=e2e:NoSchedule")).succeeds()
                    .printed("node/" + NODE + " tainted");
            NodePods.apply(ns, pod("intolerant", ""));
            NodePods.apply(ns, pod("tolerant", """
                      tolerations:
                      - key: dedicated
                        operator: Equal
                        value: e2e
                        effect: NoSchedule
                    """));
            awaitScheduledOnNode(ns, "tolerant");
            awaitFailedScheduling(ns, "intolerant", "0/(\\d+) nodes are available: .*\\d+ node\\(s\\) had untolerated"
                    + " taint \\{dedicated: e2e\\}.*\\. preemption: .*Preemption is not helpful for scheduling.*");
        } finally {
            ns.kubectl().run("taint", "node", NODE, "dedicated-");
        }
    }

    @Test
    void hostPortConflict(TestNamespace ns) {
        String hostPort = "    - containerPort: 8080\n      hostPort: 18081\n";
        NodePods.apply(ns, pod("port-a", "").replace("    - containerPort: 8080\n", hostPort));
        awaitScheduledOnNode(ns, "port-a");
        NodePods.apply(ns, pod("port-b", "").replace("    - containerPort: 8080\n", hostPort));
        awaitFailedScheduling(ns, "port-b", "0/(\\d+) nodes are available: .*\\d+ node\\(s\\) didn't have free ports"
                + " for the requested pod ports.*\\. preemption: .*");
        // the first pod's port is freed when it goes: the second one is scheduled
        assertThat(ns.kubectl().run("delete", "pod", "port-a", "--wait=false")).succeeds();
        awaitScheduledOnNode(ns, "port-b");
    }

    @Test
    void podsOfAnotherSchedulerAreLeftAlone(TestNamespace ns) {
        NodePods.apply(ns, pod("elsewhere", "  schedulerName: other-scheduler"));
        NodePods.apply(ns, pod("here", ""));
        awaitScheduledOnNode(ns, "here");
        NodePods.sleep(3000);
        assertThat(NodePods.jsonPath(ns, "pod/elsewhere", "{.spec.nodeName}")).isEmpty();
        assertThat(NodePods.jsonPath(ns, "pod/elsewhere", "{.status.phase}")).isEqualTo("Pending");
        List<String> events = NodePods.events(ns, "elsewhere");
        assertThat(events).isEmpty();
    }
}
