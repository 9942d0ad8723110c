package io.kube4j.controllers.nodelifecycle;

import io.kube4j.client.testing.AdminClients;
import io.kube4j.client.testing.FakeClock;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerManager;
import io.kube4j.node.simulated.SimulatedNodeOptions;
import io.kube4j.node.simulated.SimulatedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller against an in-process API server and simulated nodes; the controller's clock is moved by hand, so
 * a 40 s grace period and 300 s tolerations pass in milliseconds.
 */
class NodeLifecycleControllerTest {
    @TempDir
    Path dir;
    ApiServer server;
    KubernetesClient client;
    SimulatedNodes sims;
    ControllerManager manager;
    final FakeClock clock = new FakeClock(Instant.now());

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null, null, null,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount")))
                .start();
        var pki = server.pki();
        client = AdminClients.of(server.port(), pki.caPem(), pki.admin().certPem(), pki.admin().keyPem());
        sims = new SimulatedNodes(client, SimulatedNodeOptions.defaults("sim-", 2)
                .withHeartbeat(Duration.ofMillis(300), Duration.ofMinutes(1)), Clock.systemUTC()).start();
        assertThat(sims.awaitRegistered(Duration.ofSeconds(20))).isTrue();
        NodeLifecycleOptions options = new NodeLifecycleOptions(Duration.ofSeconds(40), Duration.ofMinutes(1),
                Duration.ofMillis(100));
        manager = new ControllerManager(() -> new ControllerContext(client, clock, "test"),
                List.of(ctx -> new NodeLifecycleController(ctx, options)), io.kube4j.client.leaderelection.LeaderElectionConfig.disabled())
                .start();
    }

    @AfterEach
    void stop() {
        manager.close();
        sims.close();
        client.close();
        server.close();
    }

    private void pod(String name, String node, Long tolerationSeconds) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withNodeName(node).addNewContainer().withName("app").withImage("busybox").endContainer().endSpec();
        if (tolerationSeconds != null) {
            b.editSpec().addNewToleration().withKey(NodeTaints.UNREACHABLE).withOperator("Exists")
                    .withEffect("NoExecute").withTolerationSeconds(tolerationSeconds).endToleration().endSpec();
        }
        client.pods().resource(b.build()).create();
    }

    private Pod get(String name) {
        return client.pods().withName(name).get();
    }

    private String ready(String node) {
        return client.nodes().withName(node).get().getStatus().getConditions().stream()
                .filter(c -> c.getType().equals("Ready")).map(NodeCondition::getStatus).findFirst().orElse(null);
    }

    private List<String> taints(String node) {
        List<Taint> t = client.nodes().withName(node).get().getSpec().getTaints();
        return t == null ? List.of() : t.stream().map(x -> x.getKey() + ":" + x.getEffect()).toList();
    }

    private boolean terminating(String name) {
        Pod p = get(name);
        return p == null || p.getMetadata().getDeletionTimestamp() != null;
    }

    @Test
    void aSilentNodeGoesUnknownIsTaintedAndItsPodsAreEvictedAfterTheirTolerations() throws Exception {
        pod("short", "sim-1", 5L);
        pod("default", "sim-1", null); // gets the 300 s tolerations at admission
        pod("elsewhere", "sim-0", 5L);
        await().atMost(Duration.ofSeconds(10)).until(() -> "Running".equals(get("short").getStatus().getPhase())
                && "Running".equals(get("default").getStatus().getPhase())
                && "Running".equals(get("elsewhere").getStatus().getPhase()));
        Thread.sleep(500); // the controller has seen both nodes healthy

        sims.stop("sim-1");
        // the controller sees the last renewal (maybe in flight during stop) before its clock jumps
        Thread.sleep(1000);
        clock.advance(Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(ready("sim-1")).as("within the grace period").isEqualTo("True");

        clock.advance(Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(10)).until(() -> "Unknown".equals(ready("sim-1")));
        Node n = client.nodes().withName("sim-1").get();
        NodeCondition r = n.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst()
                .orElseThrow();
        assertThat(r.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(r.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        await().atMost(Duration.ofSeconds(10)).until(() -> taints("sim-1").containsAll(List.of(
                "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute")));
        assertThat(ready("sim-0")).isEqualTo("True");
        assertThat(taints("sim-0")).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> get("short").getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False")));

        Thread.sleep(500);
        assertThat(terminating("short")).as("5 s have not passed on the controller's clock").isFalse();
        clock.advance(Duration.ofSeconds(6));
        await().atMost(Duration.ofSeconds(10)).until(() -> terminating("short"));
        Pod evicted = get("short");
        if (evicted != null) {
            assertThat(evicted.getStatus().getConditions()).anyMatch(c -> c.getType().equals("DisruptionTarget")
                    && c.getReason().equals("DeletionByTaintManager"));
        }
        assertThat(terminating("default")).isFalse();
        assertThat(terminating("elsewhere")).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list()
                .getItems().stream().map(Event::getMessage).toList()
                .containsAll(List.of("Marking for deletion Pod default/short", "Node sim-1 status is now: NodeNotReady")));

        clock.advance(Duration.ofSeconds(300));
        await().atMost(Duration.ofSeconds(10)).until(() -> terminating("default"));

        sims.resume("sim-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> "True".equals(ready("sim-1")) && taints("sim-1").isEmpty());
    }

    @Test
    void aPodWithoutAMatchingTolerationIsEvictedAtOnce() throws Exception {
        client.pods().resource(new PodBuilder().withNewMetadata().withName("picky").endMetadata().withNewSpec()
                .withNodeName("sim-0").addNewToleration().withKey("example.com/other").withOperator("Exists")
                .withEffect("NoExecute").endToleration()
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> "Running".equals(get("picky").getStatus().getPhase()));
        // a NoExecute taint put on by hand: the taint manager acts on any, not only its own
        Node n = client.nodes().withName("sim-0").get();
        n.getSpec().setTaints(List.of(new Taint("NoExecute", "example.com/maintenance", null, null)));
        client.nodes().resource(n).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> terminating("picky"));
    }
}
