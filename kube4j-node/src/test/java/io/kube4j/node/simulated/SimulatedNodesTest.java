package io.kube4j.node.simulated;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Simulated nodes against an in-process API server: registration, leases, pod status, exits, deletion, stop. */
class SimulatedNodesTest {
    @TempDir
    Path dir;
    io.kube4j.node.InProcessApi api;
    ApiServer server;
    KubernetesClient client;
    SimulatedNodes sims;

    @BeforeEach
    void start() throws Exception {
        api = io.kube4j.node.InProcessApi.start(dir);
        server = api.server();
        client = api.client();
        sims = new SimulatedNodes(client, SimulatedNodeOptions.defaults("sim-", 3)
                .withLabels(Map.of("zone", "a")).withHeartbeat(Duration.ofMillis(500), Duration.ofMinutes(1)),
                Clock.systemUTC()).start();
        assertThat(sims.awaitRegistered(Duration.ofSeconds(20))).isTrue();
    }

    @AfterEach
    void stop() {
        sims.close();
        client.close();
        server.close();
    }

    private Pod pod(String name, String node, String restartPolicy, Map<String, String> annotations) {
        return client.pods().resource(new PodBuilder().withNewMetadata().withName(name).withAnnotations(annotations)
                .endMetadata().withNewSpec().withNodeName(node).withRestartPolicy(restartPolicy)
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build()).create();
    }

    private Pod get(String name) {
        return client.pods().withName(name).get();
    }

    @Test
    void nodesRegisterReadyWithCapacityLabelsAndLeases() {
        assertThat(sims.nodeNames()).containsExactly("sim-0", "sim-1", "sim-2");
        Node n = client.nodes().withName("sim-1").get();
        assertThat(n.getMetadata().getLabels()).containsEntry("kubernetes.io/hostname", "sim-1")
                .containsEntry("kube4j.io/simulated", "true").containsEntry("zone", "a");
        assertThat(n.getStatus().getCapacity().get("cpu").toString()).isEqualTo("4");
        assertThat(n.getStatus().getAllocatable().get("memory").toString()).isEqualTo("16Gi");
        assertThat(n.getStatus().getCapacity().get("pods").toString()).isEqualTo("110");
        assertThat(n.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready")
                && c.getStatus().equals("True") && c.getReason().equals("KubeletReady"));
        Lease lease = client.leases().inNamespace("kube-node-lease").withName("sim-1").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("sim-1");
        var first = lease.getSpec().getRenewTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> !client.leases().inNamespace("kube-node-lease")
                .withName("sim-1").get().getSpec().getRenewTime().equals(first));
    }

    @Test
    void podsRunWithAnIpAndAreDeletedWhenMarked() {
        pod("web", "sim-0", "Always", Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> "Running".equals(get("web").getStatus().getPhase()));
        Pod p = get("web");
        assertThat(p.getStatus().getPodIP()).isEqualTo("100.64.0.2");
        assertThat(p.getStatus().getHostIP()).isEqualTo("198.18.0.1");
        assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
        assertThat(p.getStatus().getConditions()).anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
        // the status patch keeps what the server set at create and replaces the lists whole
        assertThat(p.getStatus().getQosClass()).isEqualTo("BestEffort");
        assertThat(p.getStatus().getConditions()).extracting(c -> c.getType()).containsExactly(
                "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
        assertThat(p.getStatus().getContainerStatuses()).hasSize(1);
        client.pods().withName("web").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("web") == null);
    }

    @Test
    void containersExitWithTheirCode() {
        pod("job", "sim-2", "Never", Map.of(PodScript.EXIT_AFTER, "1s", PodScript.EXIT_CODE, "2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "Failed".equals(get("job").getStatus().getPhase()));
        assertThat(get("job").getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
                .isEqualTo(2);
    }

    @Test
    void aStoppedNodeNeitherHeartbeatsNorRunsPods() throws Exception {
        sims.stop("sim-1");
        Thread.sleep(700); // let an in-flight heartbeat finish
        var renew = client.leases().inNamespace("kube-node-lease").withName("sim-1").get().getSpec().getRenewTime();
        pod("stuck", "sim-1", "Always", Map.of());
        Thread.sleep(1500);
        assertThat(client.leases().inNamespace("kube-node-lease").withName("sim-1").get().getSpec().getRenewTime())
                .isEqualTo(renew);
        assertThat(get("stuck").getStatus().getPhase()).isEqualTo("Pending");
        sims.resume("sim-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> "Running".equals(get("stuck").getStatus().getPhase()));
    }
}
