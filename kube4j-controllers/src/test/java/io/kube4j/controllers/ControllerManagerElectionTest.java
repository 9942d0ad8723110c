package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.client.informers.SharedInformerPool;
import io.kube4j.client.leaderelection.LeaderElectionConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Controller managers under a real Lease (in-process API server, memory storage, short lease timings): a slow start
 * keeps the Lease, and a manager that lost its Lease takes it back once the new holder stops renewing.
 */
class ControllerManagerElectionTest {
    private static final String LEASE = "kube-controller-manager";

    @TempDir
    Path dir;
    ApiServer server;
    KubernetesClient client;
    final List<ControllerManager> managers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null, null, null,
                AdmissionPlugins.without(AdmissionPlugins.SERVICE_ACCOUNT))).start();
        Base64.Encoder b64 = Base64.getEncoder();
        var pki = server.pki();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + server.port())
                .withCaCertData(b64.encodeToString(pki.caPem().getBytes(StandardCharsets.UTF_8)))
                .withClientCertData(b64.encodeToString(pki.admin().certPem().getBytes(StandardCharsets.UTF_8)))
                .withClientKeyData(b64.encodeToString(pki.admin().keyPem().getBytes(StandardCharsets.UTF_8)))
                .withClientKeyAlgo("EC").build()).build();
    }

    @AfterEach
    void stop() {
        managers.forEach(ControllerManager::close);
        client.close();
        server.close();
    }

    /** A controller that takes {@code startup} to register, as a big informer sync on a busy machine does. */
    private static final class SlowController extends Controller {
        private final Duration startup;

        SlowController(ControllerContext ctx, Duration startup) {
            super(ctx);
            this.startup = startup;
        }

        @Override
        public String name() {
            return "slow";
        }

        @Override
        protected void register() {
            try {
                Thread.sleep(startup.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        protected void sync(String key) {
        }
    }

    private ControllerManager manager(String identity, Duration startup) {
        ControllerManager m = new ControllerManager(() -> new ControllerContext(client, Clock.systemUTC(), identity),
                List.of(ctx -> new SlowController(ctx, startup)),
                new LeaderElectionConfig(true, identity, Duration.ofSeconds(2), Duration.ofMillis(1500),
                        Duration.ofMillis(300))).start();
        managers.add(m);
        return m;
    }

    private Lease lease() {
        return client.leases().inNamespace("kube-system").withName(LEASE).get();
    }

    private String holder() {
        Lease l = lease();
        return l == null ? null : l.getSpec().getHolderIdentity();
    }

    private static void await(String what, Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    @Test
    @Timeout(60)
    void aStartSlowerThanTheLeaseKeepsTheLease() throws Exception {
        ControllerManager one = manager("one", Duration.ofSeconds(4));
        await("a holder", Duration.ofSeconds(10), () -> "one".equals(holder()));
        ControllerManager two = manager("two", Duration.ZERO);
        await("the first manager running", Duration.ofSeconds(20), one::isRunning);
        // the lease (2 s) was renewed while the controllers took 4 s to start: nobody else ever held it
        Thread.sleep(2500);
        assertThat(holder()).isEqualTo("one");
        assertThat(lease().getSpec().getLeaseTransitions()).isZero();
        assertThat(two.isRunning()).isFalse();
    }

    @Test
    @Timeout(60)
    void aManagerThatLostItsLeaseTakesItBackWhenTheNewHolderStops() throws Exception {
        ControllerManager one = manager("one", Duration.ZERO);
        await("the manager running", Duration.ofSeconds(20), one::isRunning);
        // another process takes the Lease (and then dies without renewing it)
        for (int attempt = 0; ; attempt++) {
            Lease taken = lease();
            taken.getSpec().setHolderIdentity("gone");
            taken.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            try {
                client.leases().inNamespace("kube-system").resource(taken).update();
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 20) {
                    throw e;
                }
                // the manager renewed in between: read again
            }
        }
        await("the manager stopping", Duration.ofSeconds(10), () -> !one.isRunning());
        // once "gone"'s lease runs out, the same process campaigns again and leads
        await("the manager leading again", Duration.ofSeconds(20), one::isRunning);
        assertThat(holder()).isEqualTo("one");
        assertThat(lease().getSpec().getLeaseTransitions()).as("gone -> one").isEqualTo(1);
    }

    /** Records the pods its term's handler was told about, and indexes them by node as the node lifecycle does. */
    private static final class PodWatcher extends Controller {
        final List<String> seen = new CopyOnWriteArrayList<>();

        PodWatcher(ControllerContext ctx) {
            super(ctx);
        }

        @Override
        public String name() {
            return "pod-watcher";
        }

        @Override
        protected void register() {
            SharedIndexInformer<Pod> pods = ctx.informer(Pod.class);
            pods.addIndexers(Map.of("byNode", p -> p.getSpec().getNodeName() == null ? List.of()
                    : List.of(p.getSpec().getNodeName())));
            pods.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Pod pod) {
                    seen.add(pod.getMetadata().getName());
                }

                @Override
                public void onUpdate(Pod old, Pod pod) {
                }

                @Override
                public void onDelete(Pod pod, boolean unknown) {
                }
            });
        }

        @Override
        protected void sync(String key) {
        }
    }

    private void createPod(String name) {
        client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName("n1").addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().build()).create();
    }

    @Test
    @Timeout(60)
    void aManagerSharingAPoolKeepsOneInformerAcrossLosingAndRegainingItsLease() throws Exception {
        SharedInformerPool pool = new SharedInformerPool(client);
        // the scheduler of the same server: it holds the Pod informer the whole time
        SharedIndexInformer<Pod> scheduler = pool.acquire(Pod.class);
        scheduler.run();
        createPod("p1");
        List<PodWatcher> terms = new CopyOnWriteArrayList<>();
        ControllerManager m = new ControllerManager(() -> new ControllerContext(client, Clock.systemUTC(), "one", pool),
                List.of(ctx -> {
                    PodWatcher w = new PodWatcher(ctx);
                    terms.add(w);
                    return w;
                }),
                new LeaderElectionConfig(true, "one", Duration.ofSeconds(2), Duration.ofMillis(1500),
                        Duration.ofMillis(300))).start();
        managers.add(m);
        await("the manager running", Duration.ofSeconds(20), m::isRunning);
        // the running informer replayed p1 to the first term's handler before the manager started its workers
        assertThat(terms).hasSize(1);
        assertThat(terms.getFirst().seen).contains("p1");
        assertThat(pool.views(Pod.class)).isEqualTo(2);

        for (int attempt = 0; ; attempt++) {
            Lease taken = lease();
            taken.getSpec().setHolderIdentity("gone");
            taken.getSpec().setRenewTime(ZonedDateTime.now(ZoneOffset.UTC));
            try {
                client.leases().inNamespace("kube-system").resource(taken).update();
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt > 20) {
                    throw e;
                }
            }
        }
        await("the manager stopping", Duration.ofSeconds(10), () -> !m.isRunning());
        // the term's view is closed; the informer runs on for the scheduler
        assertThat(pool.views(Pod.class)).isEqualTo(1);
        assertThat(scheduler.isRunning()).isTrue();
        createPod("p2");

        await("the manager leading again", Duration.ofSeconds(20), m::isRunning);
        assertThat(pool.views(Pod.class)).isEqualTo(2);
        assertThat(terms).hasSize(2);
        // the second term added the same index again and got both pods from the informer that kept running
        assertThat(terms.get(1).seen).containsExactlyInAnyOrder("p1", "p2");
        assertThat(scheduler.getIndexer().byIndex("byNode", "n1")).hasSize(2);
        m.close();
        assertThat(pool.views(Pod.class)).isEqualTo(1);
        scheduler.close();
        assertThat(pool.views(Pod.class)).isZero();
    }
}
