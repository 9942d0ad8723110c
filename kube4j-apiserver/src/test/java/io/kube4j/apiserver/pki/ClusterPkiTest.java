package io.kube4j.apiserver.pki;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterPkiTest {
    @TempDir
    Path dir;

    private static List<String> sans(X509Certificate c) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<?> san : c.getSubjectAlternativeNames()) {
            out.add(String.valueOf(san.get(1)));
        }
        return out;
    }

    @Test
    void theKubeletClientCertificateIsSignedByTheCaAndKeptAcrossStarts() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of("localhost"));
        X509Certificate client = pki.kubeletClientCertificate().certificate();
        client.verify(pki.ca().certificate().getPublicKey());
        assertThat(client.getSubjectX500Principal().getName())
                .contains("CN=kube-apiserver-kubelet-client").contains("O=system:masters");
        assertThat(client.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(pki.kubeletClientCertificate().certFile()).startsWith(dir);
        ClusterPki again = ClusterPki.loadOrCreate(dir, List.of("localhost"));
        assertThat(again.kubeletClientCertificate().certificate()).isEqualTo(client);
        assertThat(again.caPem()).isEqualTo(pki.caPem()).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void kubeletServingCertificatesNameTheNodeAndItsAddressesAndAreReused() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dir, List.of("localhost"));
        ClusterPki.CertKey serving = pki.issueKubeletServing("node-a", List.of("127.0.0.1", "10.0.0.7"));
        X509Certificate cert = serving.certificate();
        cert.verify(pki.ca().certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=system:node:node-a").contains("O=system:nodes");
        assertThat(sans(cert)).containsExactly("node-a", "127.0.0.1", "10.0.0.7");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(pki.issueKubeletServing("node-a", List.of("127.0.0.1")).certificate()).isEqualTo(cert);
        // a new address needs a new certificate
        X509Certificate wider = pki.issueKubeletServing("node-a", List.of("127.0.0.1", "10.0.0.8")).certificate();
        assertThat(wider).isNotEqualTo(cert);
        assertThat(sans(wider)).contains("10.0.0.8");
    }
}
