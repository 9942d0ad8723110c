package io.kube4j.client.informers;

import io.kube4j.client.testing.AdminClients;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The pool against a real in-process API server (memory storage). */
class SharedInformerPoolTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    ApiServer server;
    KubernetesClient client;
    SharedInformerPool pool;

    @BeforeEach
    void start() throws Exception {
        server = new ApiServer(new ApiServerOptions(dir.resolve("server"), "127.0.0.1", 0, "memory", null, null, null,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount")))
                .start();
        var pki = server.pki();
        client = AdminClients.of(server.port(), pki.caPem(), pki.admin().certPem(), pki.admin().keyPem());
        pool = new SharedInformerPool(client);
    }

    @AfterEach
    void stop() {
        pool.close();
        client.close();
        server.close();
    }

    void createPod(String name, String node) {
        client.pods().resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("busybox").endContainer()
                .endSpec().build()).create();
    }

    /** Records the names of the pods it was told about, in order. */
    static class Recorder implements ResourceEventHandler<Pod> {
        final List<String> added = new CopyOnWriteArrayList<>();
        final List<String> updated = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(Pod pod) {
            added.add(pod.getMetadata().getName());
        }

        @Override
        public void onUpdate(Pod old, Pod pod) {
            updated.add(pod.getMetadata().getName());
        }

        @Override
        public void onDelete(Pod pod, boolean unknown) {
        }
    }

    @Test
    void viewsShareOneInformerAndTheLastReleaseStopsIt() {
        SharedIndexInformer<Pod> a = pool.acquire(Pod.class);
        SharedIndexInformer<Pod> b = pool.acquire(Pod.class);
        SharedIndexInformer<?> shared = pool.informerOf(Pod.class);
        assertThat(pool.views(Pod.class)).isEqualTo(2);
        a.run();
        await().atMost(WAIT).until(b::hasSynced);
        // b's start does not start a second informer: it gets the one that runs
        b.start().toCompletableFuture().join();
        assertThat(pool.informerOf(Pod.class)).isSameAs(shared);

        a.close();
        a.close();
        assertThat(pool.views(Pod.class)).isEqualTo(1);
        assertThat(shared.isRunning()).isTrue();
        createPod("after-a", null);
        await().atMost(WAIT).until(() -> b.getStore().getByKey("default/after-a") != null);

        b.close();
        assertThat(pool.views(Pod.class)).isZero();
        assertThat(pool.informerOf(Pod.class)).isNull();
        assertThat(shared.isRunning()).isFalse();
        assertThatThrownBy(() -> b.addEventHandler(new Recorder())).isInstanceOf(IllegalStateException.class);

        // a new acquire after the last release gets a new informer, which lists what exists
        SharedIndexInformer<Pod> c = pool.acquire(Pod.class);
        assertThat(pool.informerOf(Pod.class)).isNotSameAs(shared);
        c.run();
        assertThat(c.getStore().getByKey("default/after-a")).isNotNull();
        c.close();
    }

    @Test
    void aHandlerAddedToARunningInformerGetsItsObjectsAsAddsThenLaterEvents() {
        createPod("p1", null);
        createPod("p2", null);
        SharedIndexInformer<Pod> first = pool.acquire(Pod.class);
        first.run();
        assertThat(first.getStore().list()).hasSize(2);

        SharedIndexInformer<Pod> late = pool.acquire(Pod.class);
        Recorder r = new Recorder();
        late.addEventHandler(r);
        await().atMost(WAIT).until(() -> r.added.size() == 2);
        assertThat(r.added).containsExactlyInAnyOrder("p1", "p2");

        createPod("p3", null);
        await().atMost(WAIT).until(() -> r.added.size() == 3);
        assertThat(r.added.get(2)).isEqualTo("p3");
        // both views hold the same objects: one informer, one decode per event
        assertThat(late.getStore().getByKey("default/p3")).isSameAs(first.getStore().getByKey("default/p3"));
        first.close();
        late.close();
    }

    @Test
    void aLateViewIsSyncedOnlyOnceItsHandlersGotTheReplay() throws Exception {
        createPod("p1", null);
        createPod("p2", null);
        SharedIndexInformer<Pod> first = pool.acquire(Pod.class);
        first.run();
        SharedIndexInformer<Pod> late = pool.acquire(Pod.class);
        CountDownLatch release = new CountDownLatch(1);
        Recorder r = new Recorder() {
            @Override
            public void onAdd(Pod pod) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onAdd(pod);
            }
        };
        late.addEventHandler(r);
        // the shared informer is synced, but the replay to r is held up
        assertThat(first.getStore().list()).hasSize(2);
        assertThat(late.hasSynced()).isFalse();
        assertThat(late.hasSynced()).isFalse();
        release.countDown();
        await().atMost(WAIT).until(late::hasSynced);
        assertThat(r.added).containsExactlyInAnyOrder("p1", "p2");
        first.close();
        late.close();
    }

    @Test
    void aRemovedHandlerGetsNoMoreEvents() {
        SharedIndexInformer<Pod> view = pool.acquire(Pod.class);
        Recorder removed = new Recorder();
        Recorder kept = new Recorder();
        // registered first, so for every event it is called before kept, on the same delivery thread
        view.addEventHandler(removed);
        view.addEventHandler(kept);
        view.run();
        createPod("before", null);
        await().atMost(WAIT).until(() -> kept.added.contains("before"));
        assertThat(removed.added).containsExactly("before");

        view.removeEventHandler(removed);
        createPod("after", null);
        await().atMost(WAIT).until(() -> kept.added.contains("after"));
        assertThat(removed.added).containsExactly("before");
        view.close();
    }

    @Test
    void aClosedViewsHandlersGetNoMoreEventsWhileAnotherViewRuns() {
        SharedIndexInformer<Pod> ending = pool.acquire(Pod.class);
        SharedIndexInformer<Pod> staying = pool.acquire(Pod.class);
        Recorder gone = new Recorder();
        Recorder here = new Recorder();
        ending.addEventHandler(gone);
        staying.addEventHandler(here);
        ending.run();
        createPod("x", null);
        await().atMost(WAIT).until(() -> gone.added.contains("x") && here.added.contains("x"));

        ending.close();
        createPod("y", null);
        client.pods().withName("x").edit(p -> new PodBuilder(p).editMetadata().addToLabels("a", "b").endMetadata()
                .build());
        await().atMost(WAIT).until(() -> here.added.contains("y") && here.updated.contains("x"));
        assertThat(gone.added).containsExactly("x");
        assertThat(gone.updated).isEmpty();
        staying.close();
    }

    @Test
    void aSlowViewDelaysOnlyItself() throws Exception {
        SharedIndexInformer<Pod> slow = pool.acquire(Pod.class);
        SharedIndexInformer<Pod> fast = pool.acquire(Pod.class);
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Recorder slowSeen = new Recorder() {
            @Override
            public void onAdd(Pod pod) {
                super.onAdd(pod);
                if (pod.getMetadata().getName().equals("first")) {
                    blocked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Recorder fastSeen = new Recorder();
        // the slow view's forwarder is called first by fabric8, on the informer's one thread
        slow.addEventHandler(slowSeen);
        fast.addEventHandler(fastSeen);
        slow.run();
        createPod("first", null);
        blocked.await();
        createPod("second", null);
        createPod("third", null);
        await().atMost(WAIT).until(() -> fastSeen.added.containsAll(List.of("first", "second", "third")));
        assertThat(slowSeen.added).containsExactly("first");

        release.countDown();
        await().atMost(WAIT).until(() -> slowSeen.added.size() == 3);
        assertThat(slowSeen.added).containsExactly("first", "second", "third");
        slow.close();
        fast.close();
    }

    @Test
    void indexersAreCountedByViewSoANewTermCanAddTheSameIndexAgain() {
        SharedIndexInformer<Pod> holder = pool.acquire(Pod.class);
        holder.run();
        createPod("on-n1", "n1");
        await().atMost(WAIT).until(() -> holder.getStore().getByKey("default/on-n1") != null);
        Map<String, java.util.function.Function<Pod, List<String>>> byNode = Map.of("byNode",
                p -> p.getSpec().getNodeName() == null ? List.of() : List.of(p.getSpec().getNodeName()));

        SharedIndexInformer<Pod> a = pool.acquire(Pod.class);
        SharedIndexInformer<Pod> b = pool.acquire(Pod.class);
        a.addIndexers(byNode);
        b.addIndexers(byNode);
        a.close();
        // b still has its index after a is gone
        assertThat(b.getIndexer().byIndex("byNode", "n1")).extracting(p -> p.getMetadata().getName())
                .containsExactly("on-n1");
        b.close();

        // the informer runs on (holder), without the index; a new user adds it again over what the store holds
        SharedIndexInformer<Pod> next = pool.acquire(Pod.class);
        next.addIndexers(byNode);
        assertThat(next.getIndexer().byIndex("byNode", "n1")).extracting(p -> p.getMetadata().getName())
                .containsExactly("on-n1");
        next.close();
        holder.close();
    }
}
