package io.kube4j.storage.etcd;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import io.kube4j.storage.WatchListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A three-member cluster that loses a member while the store writes and watches through it. */
class EtcdClusterFaultTest {
    private static EtcdCluster cluster;

    @BeforeAll
    static void start() {
        cluster = EtcdCluster.start(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(60)
    void writesGoOnAndDataStaysReadableWhenAMemberIsKilled() throws Exception {
        try (EtcdStorage storage = new EtcdStorage(cluster.options("/fault"))) {
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            long from = storage.currentRevision();
            try (AutoCloseable w = storage.watch("/cm/", from, seen::add)) {
                List<KeyValue> written = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    written.add(storage.create("/cm/k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                // the member the store most likely talks to first goes away mid-stream
                EtcdCluster.Member victim = cluster.members().get(0);
                cluster.kill(victim);
                assertThat(victim.running()).isFalse();

                for (int i = 20; i < 40; i++) {
                    written.add(storage.create("/cm/k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                KeyValue k0 = storage.update("/cm/k0", written.get(0).modRevision(), "changed".getBytes(StandardCharsets.UTF_8));

                assertThat(storage.list("/cm/", null, 0, 0).items()).hasSize(40);
                assertThat(new String(storage.get("/cm/k39").value(), StandardCharsets.UTF_8)).isEqualTo("v39");
                assertThat(storage.get("/cm/k0").modRevision()).isEqualTo(k0.modRevision());
                // the watch resumed on another member: every revision once, in order
                await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 41);
                List<Long> revisions = seen.stream().map(WatchEvent::revision).toList();
                assertThat(revisions).doesNotHaveDuplicates().isSorted().hasSize(41);
                assertThat(revisions.get(40)).isEqualTo(k0.modRevision());
            } finally {
                cluster.restart(cluster.members().get(0));
            }
        }
    }

    @Test
    @Timeout(60)
    void aWatchThatCannotResumeAfterCompactionEndsAndSaysSo() throws Exception {
        EtcdCluster.Member watched = cluster.members().get(1);
        EtcdOptions onlyWatched = new EtcdOptions(List.of(watched.clientUrl()), "/gone", null, null, null, null, null);
        EtcdOptions others = new EtcdOptions(List.of(cluster.members().get(0).clientUrl(),
                cluster.members().get(2).clientUrl()), "/gone", null, null, null, null, null);
        try (EtcdStorage watcherSide = new EtcdStorage(onlyWatched); EtcdStorage writer = new EtcdStorage(others)) {
            List<WatchEvent> seen = new CopyOnWriteArrayList<>();
            AtomicReference<StorageException> ended = new AtomicReference<>();
            KeyValue first = writer.create("/w/a", "1".getBytes(StandardCharsets.UTF_8));
            try (AutoCloseable w = watcherSide.watch("/w/", first.modRevision() - 1, new WatchListener() {
                @Override
                public void accept(WatchEvent e) {
                    seen.add(e);
                }

                @Override
                public void onTerminated(StorageException cause) {
                    ended.set(cause);
                }
            })) {
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
                cluster.kill(watched);
                KeyValue a = first;
                for (int i = 2; i <= 5; i++) {
                    a = writer.update("/w/a", a.modRevision(), Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                }
                writer.compact(a.modRevision());
                cluster.restart(watched);

                await().atMost(Duration.ofSeconds(20)).until(() -> ended.get() != null);
                assertThat(ended.get().code()).isEqualTo(StorageException.Code.COMPACTED);
                assertThat(ended.get().revision()).isEqualTo(a.modRevision());
                assertThat(seen).hasSize(1);
            }
        }
    }
}
