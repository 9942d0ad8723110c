package io.kube4j.scheduler;

import io.kube4j.client.testing.AdminClients;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.kube4j.client.informers.SharedInformerPool;
import io.kube4j.client.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler against a real in-process API server (memory storage): nodes are plain Node objects. */
class SchedulerServerTest {
    @TempDir
    Path dir;
    ApiServer server;
    KubernetesClient client;
    SchedulerServer scheduler;

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null, null, null,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount")))
                .start();
        var pki = server.pki();
        client = AdminClients.of(server.port(), pki.caPem(), pki.admin().certPem(), pki.admin().keyPem());
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.close();
        }
        client.close();
        server.close();
    }

    void startScheduler(LeaderElectionConfig election) {
        scheduler = new SchedulerServer(client, new SchedulerOptions(election, "test-host", Clock.systemUTC(), 1, 16))
                .start();
    }

    Node node(String name, String cpu) {
        Node n = Fixtures.node(name, cpu, "8Gi", 110).editOrNewStatus().addNewCondition().withType("Ready")
                .withStatus("True").endCondition().endStatus().build();
        Node created = client.nodes().resource(new NodeBuilder(n).withStatus(null).build()).create();
        created.setStatus(n.getStatus());
        return client.nodes().resource(created).updateStatus();
    }

    Pod create(Pod p) {
        p.getMetadata().setUid(null);
        return client.pods().resource(p).create();
    }

    String nodeOf(String pod) {
        Pod p = client.pods().withName(pod).get();
        return p == null ? null : p.getSpec().getNodeName();
    }

    List<Event> events(String pod, String reason) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason())).toList();
    }

    Optional<PodCondition> scheduledCondition(String pod) {
        Pod p = client.pods().withName(pod).get();
        return p.getStatus() == null || p.getStatus().getConditions() == null ? Optional.empty()
                : p.getStatus().getConditions().stream().filter(c -> c.getType().equals("PodScheduled")).findFirst();
    }

    @Test
    void bindsPodsAndRecordsEvents() {
        node("n1", "4");
        node("n2", "4");
        startScheduler(LeaderElectionConfig.disabled());
        for (int i = 0; i < 10; i++) {
            create(Fixtures.pod("p" + i, "500m", "100Mi").build());
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> client.pods().list().getItems().stream()
                .allMatch(p -> p.getSpec().getNodeName() != null));
        // 10 x 500m on 2 x 4 CPUs: both nodes used, neither over-committed
        Map<String, Long> perNode = client.pods().list().getItems().stream().collect(
                java.util.stream.Collectors.groupingBy(p -> p.getSpec().getNodeName(), java.util.stream.Collectors.counting()));
        assertThat(perNode.keySet()).containsExactlyInAnyOrder("n1", "n2");
        assertThat(perNode.values()).allMatch(n -> n <= 8);
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("p0", "Scheduled").isEmpty());
        Event e = events("p0", "Scheduled").getFirst();
        assertThat(e.getType()).isEqualTo("Normal");
        assertThat(e.getMessage()).isEqualTo("Successfully assigned default/p0 to " + nodeOf("p0"));
        assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
        assertThat(scheduledCondition("p0")).hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
    }

    @Test
    void unschedulablePodWaitsAndIsScheduledWhenANodeFits() {
        node("small", "1");
        startScheduler(LeaderElectionConfig.disabled());
        create(Fixtures.pod("big", "2", null).build());
        String msg = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No"
                + " preemption victims found for incoming pod.";
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("big", "FailedScheduling").isEmpty());
        Event e = events("big", "FailedScheduling").getFirst();
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getMessage()).isEqualTo(msg);
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduledCondition("big").isPresent());
        PodCondition c = scheduledCondition("big").orElseThrow();
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("Unschedulable");
        assertThat(c.getMessage()).isEqualTo(msg);

        node("large", "4");
        await().atMost(Duration.ofSeconds(15)).until(() -> "large".equals(nodeOf("big")));
        await().atMost(Duration.ofSeconds(5)).until(() -> scheduledCondition("big").orElseThrow().getStatus().equals("True"));
        assertThat(scheduledCondition("big").orElseThrow().getMessage()).isNull();
    }

    @Test
    void deletingAPodFreesRoomForAWaitingOne() {
        node("n1", "1");
        startScheduler(LeaderElectionConfig.disabled());
        create(Fixtures.pod("first", "800m", null).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> "n1".equals(nodeOf("first")));
        create(Fixtures.pod("second", "800m", null).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !events("second", "FailedScheduling").isEmpty());
        client.pods().withName("first").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(15)).until(() -> "n1".equals(nodeOf("second")));
    }

    @Test
    void ignoresPodsOfOtherSchedulers() throws Exception {
        node("n1", "4");
        startScheduler(LeaderElectionConfig.disabled());
        create(new PodBuilder(Fixtures.pod("other")).editSpec().withSchedulerName("my-scheduler").endSpec().build());
        create(Fixtures.pod("mine"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "n1".equals(nodeOf("mine")));
        Thread.sleep(500);
        assertThat(nodeOf("other")).isNull();
        assertThat(events("other", "FailedScheduling")).isEmpty();
        assertThat(events("other", "Scheduled")).isEmpty();
    }

    @Test
    void runsUnderTheKubeSchedulerLease() {
        node("n1", "4");
        startScheduler(new LeaderElectionConfig(true, "me", Duration.ofSeconds(15), Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
        create(Fixtures.pod("p"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "n1".equals(nodeOf("p")));
        var lease = client.leases().inNamespace("kube-system").withName("kube-scheduler").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("me");
        assertThat(scheduler.isRunning()).isTrue();
    }

    @Test
    void aNewTermOnAPoolThatKeptRunningStartsFromTheReplayedObjects() {
        SharedInformerPool pool = new SharedInformerPool(client);
        // stands in for the controller manager of kube4j server: it keeps the pooled informers running between terms
        SharedIndexInformer<Pod> podsHeld = pool.acquire(Pod.class);
        SharedIndexInformer<Node> nodesHeld = pool.acquire(Node.class);
        podsHeld.run();
        nodesHeld.run();
        try {
            node("n1", "1");
            SchedulerOptions options = new SchedulerOptions(LeaderElectionConfig.disabled(), "test-host",
                    Clock.systemUTC(), 1, 16);
            SchedulerServer firstTerm = new SchedulerServer(client, options, pool).start();
            assertThat(pool.views(Pod.class)).isEqualTo(2);
            create(Fixtures.pod("first", "800m", null).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> "n1".equals(nodeOf("first")));
            firstTerm.close();
            assertThat(pool.views(Pod.class)).isEqualTo(1);
            assertThat(podsHeld.isRunning()).isTrue();

            // created while no scheduler runs: the next term finds it in the replay
            create(Fixtures.pod("second", "800m", null).build());
            scheduler = new SchedulerServer(client, options, pool).start();
            assertThat(pool.views(Pod.class)).isEqualTo(2);
            // the new term's cache has "first" on n1 from the replay, so "second" does not fit there
            await().atMost(Duration.ofSeconds(10)).until(() -> !events("second", "FailedScheduling").isEmpty());
            assertThat(events("second", "FailedScheduling").getFirst().getMessage())
                    .startsWith("0/1 nodes are available: 1 Insufficient cpu.");
            assertThat(nodeOf("second")).isNull();
            node("n2", "4");
            await().atMost(Duration.ofSeconds(15)).until(() -> "n2".equals(nodeOf("second")));
            create(Fixtures.pod("third", "800m", null).build());
            await().atMost(Duration.ofSeconds(10)).until(() -> "n2".equals(nodeOf("third")));
        } finally {
            podsHeld.close();
            nodesHeld.close();
        }
        scheduler.close();
        scheduler = null;
        assertThat(pool.views(Pod.class)).isZero();
        pool.close();
    }
}
