package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.kube4j.storage.etcd.AcknowledgedWrites.names;
import static io.kube4j.storage.etcd.AcknowledgedWrites.rv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An API server cut off from etcd while another server writes and compacts: its storage watch cannot resume
 * when the member comes back, so its watch caches re-list (upstream's cacher does the same), its clients'
 * watches end, they get 410 Gone when they resume from their old resourceVersion, re-list, and miss nothing.
 */
class EtcdWatchCacheRecoveryTest {
    @TempDir
    Path dirs;

    @Test
    @Timeout(120)
    void aServerCutOffPastACompactionReListsAndItsClientsCatchUp() throws Exception {
        EtcdCluster etcd = EtcdCluster.start(3);
        ApiServer writerSide = null;
        ApiServer cutOff = null;
        try {
            EtcdCluster.Member lonely = etcd.members().get(1);
            writerSide = InProcessApiServers.start(dirs.resolve("a"), EtcdOptions.of(List.of(
                    etcd.members().get(0).clientUrl(), etcd.members().get(2).clientUrl()))
                    .withKeyPrefix(EtcdOptions.DEFAULT_PREFIX));
            cutOff = InProcessApiServers.start(dirs.resolve("b"), EtcdOptions.of(List.of(lonely.clientUrl()))
                    .withKeyPrefix(EtcdOptions.DEFAULT_PREFIX));
            try (KubernetesClient viaWriter = InProcessApiServers.client(writerSide, writerSide);
                 KubernetesClient viaCutOff = InProcessApiServers.client(cutOff, writerSide);
                 ConfigMapReflector reflector = new ConfigMapReflector(viaCutOff, "default").start()) {
                AcknowledgedWrites acknowledged = new AcknowledgedWrites();
                ConfigMap before = acknowledged.create(viaWriter, "before");
                long beforeRv = rv(before);
                await().atMost(Duration.ofSeconds(10)).until(() -> reflector.state().getOrDefault("before", 0L) == beforeRv);

                etcd.kill(lonely);
                for (int i = 0; i < 5; i++) {
                    acknowledged.create(viaWriter, "meanwhile-" + i);
                }
                for (int i = 0; i < 3; i++) {
                    acknowledged.update(viaWriter, "meanwhile-0", "v" + i);
                }
                ConfigMap doomed = acknowledged.create(viaWriter, "doomed");
                viaWriter.configMaps().withName("doomed").delete();
                acknowledged.update(viaWriter, "before", "changed");
                // another server's compactor passes the revision the cut-off server's watch would resume from
                writerSide.storage().compact(writerSide.storage().currentRevision());
                assertThat(writerSide.storage().compactedRevision()).isGreaterThan(rv(doomed));
                long restarted = System.nanoTime();
                etcd.restart(lonely);

                ApiServer recovering = cutOff;
                await().atMost(Duration.ofSeconds(30)).until(() -> recovering.cacheRouter().recoveries() >= 1
                        && recovering.cacheRouter().ready());
                long recoveredMillis = (System.nanoTime() - restarted) / 1_000_000;

                // reads through the cut-off server hold every write made while it was away
                Map<String, Long> truth = names(viaWriter);
                assertThat(truth).doesNotContainKey("doomed").hasSize(6);
                assertThat(names(viaCutOff)).isEqualTo(truth);
                assertThat(viaCutOff.configMaps().withName("meanwhile-0").get().getData()).containsEntry("seq", "v2");

                // its client's watch ended, resumed into a 410, re-listed, and missed nothing
                await().atMost(Duration.ofSeconds(20)).until(() -> reflector.state().equals(truth));
                assertThat(reflector.gone()).isGreaterThanOrEqualTo(1);
                assertThat(reflector.missed(acknowledged.byName())).isEmpty();
                assertThat(reflector.repeatedOrOutOfOrder()).isEmpty();

                // and the new storage watch feeds it events again
                ConfigMap after = acknowledged.create(viaWriter, "after");
                await().atMost(Duration.ofSeconds(10)).until(() -> reflector.events().stream()
                        .anyMatch(e -> e.name().equals("after") && e.rv() == rv(after)));
                assertThat(reflector.missed(acknowledged.byName())).isEmpty();
                System.out.printf("watch cache recovery: acknowledged=%d recoveries=%d gone=%d relists=%d "
                                + "recoveredAfterRestartMillis=%d%n",
                        acknowledged.byName().values().stream().mapToInt(List::size).sum(), cutOff.cacheRouter().recoveries(),
                        reflector.gone(), reflector.listings().size(), recoveredMillis);
            }
        } finally {
            InProcessApiServers.closeAll(cutOff, writerSide, etcd);
        }
    }
}
