package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.kube4j.storage.etcd.AcknowledgedWrites.configMap;
import static io.kube4j.storage.etcd.AcknowledgedWrites.names;
import static io.kube4j.storage.etcd.AcknowledgedWrites.rv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Two API servers on one etcd, one of them behind a {@link TcpProxy} that fails as a network does: bytes stop,
 * nothing closes. The cut-off server must not answer a consistent read with what it last saw, must tell a writer
 * that the outcome of its write is unknown (upstream's 504 Timeout, not a plain failure), and once the link is
 * back its clients' watches must catch up with every write made through the other server, none missed or repeated.
 * A connection that stays silent for good (state lost in a middlebox) is left by the storage client's keepalive.
 */
class NetworkPartitionTest {
    @TempDir
    Path dirs;
    private EtcdCluster etcd;
    private TcpProxy link;
    private ApiServer writerSide;
    private ApiServer cutOff;
    private KubernetesClient viaWriter;
    private KubernetesClient viaCutOff;
    private ConfigMapReflector reflector;
    private final AcknowledgedWrites acknowledged = new AcknowledgedWrites();
    private long beforeRv;

    /** Both servers up, a reflector on the one behind the relay, and "before" written and seen by it. */
    @BeforeEach
    void start() throws Exception {
        etcd = EtcdCluster.single();
        link = TcpProxy.to(etcd.members().get(0).clientUrl());
        writerSide = InProcessApiServers.start(dirs.resolve("a"), etcd.options(EtcdOptions.DEFAULT_PREFIX));
        cutOff = InProcessApiServers.start(dirs.resolve("b"),
                EtcdOptions.of(List.of(link.url())).withKeyPrefix(EtcdOptions.DEFAULT_PREFIX));
        viaWriter = InProcessApiServers.client(writerSide, writerSide);
        viaCutOff = InProcessApiServers.client(cutOff, writerSide);
        reflector = new ConfigMapReflector(viaCutOff, "default").start();
        beforeRv = rv(acknowledged.create(viaWriter, "before"));
        await().atMost(Duration.ofSeconds(10)).until(() -> reflector.state().getOrDefault("before", 0L) == beforeRv);
    }

    @AfterEach
    void stop() {
        InProcessApiServers.closeAll(reflector, viaCutOff, viaWriter, cutOff, writerSide, link, etcd);
    }

    @Test
    @Timeout(120)
    void aPartitionedServerServesNothingStaleAndItsWatchersMissNothingOnceHealed() {
        link.cut();
        for (int i = 0; i < 5; i++) {
            acknowledged.create(viaWriter, "meanwhile-" + i);
        }
        acknowledged.update(viaWriter, "before", "changed");
        viaWriter.configMaps().withName("meanwhile-4").delete();

        // a consistent read (no resourceVersion) must not be answered from what the server last saw
        KubernetesClientException read = catchThrowableOfType(KubernetesClientException.class,
                () -> viaCutOff.configMaps().withName("before").get());
        assertThat(read).as("a consistent read through the cut-off server").isNotNull();
        assertThat(read.getCode()).isEqualTo(504);
        assertThat(read.getStatus().getReason()).isEqualTo("Timeout");

        // a write's outcome is unknown: its request may reach etcd when the link heals
        KubernetesClientException write = catchThrowableOfType(KubernetesClientException.class,
                () -> viaCutOff.configMaps().resource(configMap("during")).create());
        assertThat(write).as("a write through the cut-off server").isNotNull();
        assertThat(write.getCode()).isEqualTo(504);
        assertThat(write.getStatus().getReason()).isEqualTo("Timeout");
        assertThat(write.getStatus().getMessage())
                .isEqualTo("Timeout: request did not complete within requested timeout - context deadline exceeded");
        // the cut-off server's watchers saw nothing of the writes yet
        assertThat(reflector.state()).containsOnlyKeys("before").containsEntry("before", beforeRv);

        link.heal();
        // a write through the healed link goes after whatever the link held back on the same connection
        acknowledged.create(viaCutOff, "after");
        Map<String, Long> truth = names(viaWriter);
        // the write that timed out may have landed or not (gRPC cancels a call past its deadline): either way
        // once at most, and the cut-off server's watchers must agree with the store
        if (truth.containsKey("during")) {
            acknowledged.record("during", truth.get("during"));
        }
        assertThat(truth).containsKeys("before", "meanwhile-0", "meanwhile-3", "after").doesNotContainKey("meanwhile-4");
        await().atMost(Duration.ofSeconds(30)).until(() -> reflector.state().equals(truth));
        assertThat(reflector.missed(acknowledged.byName())).isEmpty();
        assertThat(reflector.repeatedOrOutOfOrder()).isEmpty();
        assertThat(names(viaCutOff)).isEqualTo(truth);
        assertThat(viaCutOff.configMaps().withName("before").get().getData()).containsEntry("seq", "changed");
    }

    @Test
    @Timeout(150)
    void aConnectionSilentForGoodIsLeftAndTheWatchResumesWithoutAGap() {
        // the open connection goes silent and never closes; new connections would work at once
        link.strandOpenConnections();
        for (int i = 0; i < 3; i++) {
            acknowledged.create(viaWriter, "meanwhile-" + i);
        }
        acknowledged.update(viaWriter, "before", "changed");

        // only the storage client's keepalive can find out; then its watch resumes from the last revision
        Map<String, Long> truth = names(viaWriter);
        await().atMost(Duration.ofSeconds(90)).until(() -> reflector.state().equals(truth));
        assertThat(link.liveConnections()).isGreaterThanOrEqualTo(1);
        assertThat(reflector.missed(acknowledged.byName())).isEmpty();
        assertThat(reflector.repeatedOrOutOfOrder()).isEmpty();
        assertThat(reflector.gone()).as("resumed, not re-listed").isZero();

        // and the server writes again through its new connection
        ConfigMap after = acknowledged.create(viaCutOff, "after");
        await().atMost(Duration.ofSeconds(10)).until(() -> reflector.state().getOrDefault("after", 0L) == rv(after));
    }
}
