package io.kube4j.storage.etcd;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.StorageException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A member that serves clients over TLS and requires a client certificate, as production etcd does. */
class EtcdTlsTest {
    private static EtcdCluster etcd;

    @BeforeAll
    static void start() {
        etcd = EtcdCluster.singleTls();
    }

    @AfterAll
    static void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void theCaAndClientCertificateOpenTheStore() {
        try (EtcdStorage storage = new EtcdStorage(etcd.options("/tls"))) {
            KeyValue kv = storage.create("/k", "v".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(storage.get("/k").value(), StandardCharsets.UTF_8)).isEqualTo("v");
            assertThat(storage.currentRevision()).isEqualTo(kv.modRevision());
        }
    }

    @Test
    void withoutTheClientCertificateTheMemberRefuses() {
        EtcdOptions noClientCert = etcd.options("/tls").withTls(etcd.tls().ca(), null, null)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));

        assertThatThrownBy(() -> new EtcdStorage(noClientCert))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
    }

    @Test
    void aServerCertificateFromAnotherCaIsRejected() {
        // the client certificate is no CA of the member's certificate
        EtcdOptions wrongCa = etcd.options("/tls").withTls(etcd.tls().clientCert(), etcd.tls().clientCert(),
                etcd.tls().clientKey()).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));

        assertThatThrownBy(() -> new EtcdStorage(wrongCa))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.code()).isEqualTo(StorageException.Code.UNAVAILABLE));
    }
}
