package io.kube4j.node.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kube4j.node.dns.ResolvConf;
import io.kube4j.node.kubelet.dns.PodDnsConfigurer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CriPodRuntimeDnsTest {
    @Test
    void sandboxCarriesThePodsDnsConfigAndHostname() {
        var dns = new PodDnsConfigurer(List.of("10.43.0.10"), "cluster.local", ResolvConf.EMPTY, true);
        CriPodRuntime rt = new CriPodRuntime(null, null, Path.of("/tmp/logs"), 1L << 30, dns);
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u")
                .endMetadata().withNewSpec().withHostname("db-0").withSubdomain("db").withSetHostnameAsFQDN(true)
                .addNewContainer().withName("c").withImage("i").endContainer().endSpec().build();
        var cfg = rt.sandboxConfig(pod, 0);
        assertThat(cfg.getDnsConfig().getServersList()).containsExactly("10.43.0.10");
        assertThat(cfg.getDnsConfig().getSearchesList()).containsExactly("default.svc.cluster.local",
                "svc.cluster.local", "cluster.local");
        assertThat(cfg.getDnsConfig().getOptionsList()).containsExactly("ndots:5");
        assertThat(cfg.getHostname()).isEqualTo("db-0.db.default.svc.cluster.local");
    }

    @Test
    void withoutAConfigurerTheRuntimeKeepsItsDefault() {
        CriPodRuntime rt = new CriPodRuntime(null, null, Path.of("/tmp/logs"), 1L << 30);
        Pod pod = new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("u")
                .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec()
                .build();
        assertThat(rt.sandboxConfig(pod, 0).hasDnsConfig()).isFalse();
    }
}
