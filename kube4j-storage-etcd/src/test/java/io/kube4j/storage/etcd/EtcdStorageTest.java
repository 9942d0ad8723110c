package io.kube4j.storage.etcd;

import io.kube4j.storage.DurableStorageContractTest;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The storage contract on one real etcd member. Every test gets its own key prefix, so tests share the member
 * but not keys; revisions and compaction are the member's, which the contract allows for.
 */
class EtcdStorageTest extends DurableStorageContractTest {
    private static EtcdCluster etcd;
    private static final AtomicInteger TESTS = new AtomicInteger();
    private String prefix;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.single();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected Storage newStorage() {
        prefix = "/tck/" + TESTS.incrementAndGet();
        return new EtcdStorage(etcd.options(prefix));
    }

    @Override
    protected Storage reopen(Storage current) {
        current.close();
        return new EtcdStorage(etcd.options(prefix));
    }

    @Test
    void openingWithoutAReachableMemberFailsFastWithUnavailable() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EtcdOptions none = EtcdOptions.of(List.of(URI.create("http://127.0.0.1:" + port)))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
        long t0 = System.nanoTime();

        assertThatThrownBy(() -> new EtcdStorage(none))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE);
                    assertThat(e.getMessage()).startsWith("cannot reach etcd at http://127.0.0.1:" + port);
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aDeadEndpointBesideALiveOneIsSkipped() throws Exception {
        storage.close();
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EtcdOptions both = new EtcdOptions(List.of(URI.create("http://127.0.0.1:" + port),
                etcd.endpoints().get(0)), prefix, null, null, null, null, null);
        storage = new EtcdStorage(both);
        for (int i = 0; i < 5; i++) {
            storage.create("/both/k" + i, bytes("v"));
        }
        assertThat(storage.list("/both/", null, 0, 0).items()).hasSize(5);
    }
}
