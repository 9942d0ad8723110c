package io.kube4j.apiserver.pki;

import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountKey;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SharedBootstrapTest {
    private static final List<String> SANS = List.of("localhost", "127.0.0.1");

    /** What a server makes of its data dir: certificates, the service-account key and the join token. */
    private static Runnable local(Path dir) {
        return () -> {
            ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("tls"), SANS);
            ServiceAccountKey.loadOrCreate(dir.resolve("tls"));
            NodeJoin.loadOrCreate(pki, dir.resolve("node-token"));
        };
    }

    @Test
    void theFirstServerPublishesAndALaterOneTakesTheClusterIdentityOverItsOwn(@TempDir Path a, @TempDir Path b)
            throws Exception {
        MemoryStorage store = new MemoryStorage();
        assertThat(SharedBootstrap.sync(store, a, local(a))).isFalse();
        // b had a cluster of its own before it joined the shared store
        local(b).run();
        String oldServerCert = Files.readString(b.resolve("tls/server.crt"));
        assertThat(SharedBootstrap.sync(store, b, local(b))).isTrue();

        ClusterPki pa = ClusterPki.loadOrCreate(a.resolve("tls"), SANS);
        ClusterPki pb = ClusterPki.loadOrCreate(b.resolve("tls"), SANS);
        assertThat(pb.caPem()).isEqualTo(pa.caPem());
        // b's own certificates are re-issued from the shared CA
        assertThat(Files.readString(b.resolve("tls/server.crt"))).isNotEqualTo(oldServerCert);
        pb.server().certificate().verify(pa.ca().certificate().getPublicKey());
        pb.admin().certificate().verify(pa.ca().certificate().getPublicKey());
        assertThat(ServiceAccountKey.loadOrCreate(b.resolve("tls")).keyId())
                .isEqualTo(ServiceAccountKey.loadOrCreate(a.resolve("tls")).keyId());
        assertThat(NodeJoin.loadOrCreate(pb, b.resolve("node-token")).token())
                .isEqualTo(NodeJoin.loadOrCreate(pa, a.resolve("node-token")).token());
        store.close();
    }

    @Test
    void aServerThatLosesThePublishingRaceTakesTheWinnersFiles(@TempDir Path a, @TempDir Path b) {
        MemoryStorage store = new MemoryStorage();
        // b checks the store, finds nothing, makes its files; a publishes meanwhile
        boolean fromStore = SharedBootstrap.sync(store, b, () -> {
            local(b).run();
            SharedBootstrap.sync(store, a, local(a));
        });
        assertThat(fromStore).isTrue();
        assertThat(ClusterPki.loadOrCreate(b.resolve("tls"), SANS).caPem())
                .isEqualTo(ClusterPki.loadOrCreate(a.resolve("tls"), SANS).caPem());
        store.close();
    }
}
