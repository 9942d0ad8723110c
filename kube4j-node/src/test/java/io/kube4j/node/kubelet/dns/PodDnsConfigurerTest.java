package io.kube4j.node.kubelet.dns;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigOptionBuilder;
import io.kube4j.node.dns.ResolvConf;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodDnsConfigurerTest {
    private static final ResolvConf HOST = new ResolvConf(List.of("192.0.2.53"), List.of("corp.example"),
            List.of("edns0"));
    private final PodDnsConfigurer dns = new PodDnsConfigurer(List.of("10.43.0.10"), "cluster.local", HOST, true);

    private static PodBuilder pod(String policy, boolean hostNetwork) {
        return new PodBuilder().withNewMetadata().withName("web").withNamespace("shop").withUid("u1").endMetadata()
                .withNewSpec().withDnsPolicy(policy).withHostNetwork(hostNetwork).endSpec();
    }

    @Test
    void clusterFirstUsesClusterDnsAndUpstreamSearchPath() {
        var d = dns.forPod(pod("ClusterFirst", false).build());
        assertThat(d.servers()).containsExactly("10.43.0.10");
        assertThat(d.searches()).containsExactly("shop.svc.cluster.local", "svc.cluster.local", "cluster.local",
                "corp.example");
        assertThat(d.options()).containsExactly("ndots:5");
        assertThat(d.warnings()).isEmpty();
        assertThat(dns.forPod(pod(null, false).build())).isEqualTo(d);
    }

    @Test
    void hostNetworkFallsBackToDefaultUnlessClusterFirstWithHostNet() {
        var d = dns.forPod(pod("ClusterFirst", true).build());
        assertThat(d.servers()).containsExactly("192.0.2.53");
        assertThat(d.searches()).containsExactly("corp.example");
        assertThat(d.options()).containsExactly("edns0");
        assertThat(dns.forPod(pod("ClusterFirstWithHostNet", true).build()).servers()).containsExactly("10.43.0.10");
        assertThat(dns.forPod(pod("ClusterFirstWithHostNet", false).build()).options()).containsExactly("ndots:5");
    }

    @Test
    void defaultIsTheNodesResolvConf() {
        var d = dns.forPod(pod("Default", false).build());
        assertThat(d.servers()).containsExactly("192.0.2.53");
        assertThat(d.searches()).containsExactly("corp.example");
        var off = new PodDnsConfigurer(List.of("10.43.0.10"), "cluster.local", ResolvConf.EMPTY, false)
                .forPod(pod("Default", false).build());
        assertThat(off.servers()).containsExactly("127.0.0.1");
        assertThat(off.searches()).containsExactly(".");
    }

    @Test
    void noneTakesOnlyDnsConfig() {
        Pod p = pod("None", false).editSpec().withDnsConfig(new PodDNSConfigBuilder()
                .withNameservers("1.2.3.4").withSearches("ns1.svc.cluster-domain.example", "my.dns.search.suffix")
                .withOptions(new PodDNSConfigOptionBuilder().withName("ndots").withValue("2").build(),
                        new PodDNSConfigOptionBuilder().withName("edns0").build())
                .build()).endSpec().build();
        var d = dns.forPod(p);
        assertThat(d.servers()).containsExactly("1.2.3.4");
        assertThat(d.searches()).containsExactly("ns1.svc.cluster-domain.example", "my.dns.search.suffix");
        assertThat(d.options()).containsExactly("ndots:2", "edns0");
    }

    @Test
    void dnsConfigMergesOverridesOptionsAndKeepsLimitsWithWarnings() {
        Pod p = pod("ClusterFirst", false).editSpec().withDnsConfig(new PodDNSConfigBuilder()
                .withNameservers("10.43.0.10", "1.1.1.1", "2.2.2.2", "3.3.3.3")
                .withSearches("svc.cluster.local", "extra.example")
                .withOptions(new PodDNSConfigOptionBuilder().withName("ndots").withValue("1").build(),
                        new PodDNSConfigOptionBuilder().withName("single-request-reopen").build())
                .build()).endSpec().build();
        var d = dns.forPod(p);
        assertThat(d.servers()).containsExactly("10.43.0.10", "1.1.1.1", "2.2.2.2");
        assertThat(d.searches()).containsExactly("shop.svc.cluster.local", "svc.cluster.local", "cluster.local",
                "corp.example", "extra.example");
        assertThat(d.options()).containsExactly("ndots:1", "single-request-reopen");
        assertThat(d.warnings()).containsExactly(new PodDnsConfigurer.Warning("DNSConfigForming",
                "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line "
                        + "is: 10.43.0.10 1.1.1.1 2.2.2.2"));
    }

    @Test
    void searchLineIsCutTo32DomainsAnd2048Characters() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add("d" + i + ".example");
        }
        Pod p = pod("None", false).editSpec().withDnsConfig(new PodDNSConfigBuilder().withSearches(many).build())
                .endSpec().build();
        var d = dns.forPod(p);
        assertThat(d.searches()).hasSize(32).endsWith("d31.example");
        assertThat(d.warnings()).singleElement().satisfies(w -> assertThat(w.message())
                .startsWith("Search Line limits were exceeded, some search paths have been omitted, the applied "
                        + "search line is: d0.example d1.example"));
        List<String> longOnes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            longOnes.add("x".repeat(250) + i);
        }
        List<String> cut = PodDnsConfigurer.fitSearches(longOnes);
        assertThat(String.join(" ", cut).length()).isLessThanOrEqualTo(2048);
        assertThat(cut).hasSize(8);
    }

    @Test
    void missingClusterDnsFallsBackToDefaultWithAnEvent() {
        var d = new PodDnsConfigurer(List.of(), "cluster.local", HOST, true).forPod(pod("ClusterFirst", false).build());
        assertThat(d.servers()).containsExactly("192.0.2.53");
        assertThat(d.warnings()).extracting(PodDnsConfigurer.Warning::reason).containsExactly("MissingClusterDNS");
    }

    @Test
    void hostnameFromSpecAndFqdnWithSubdomain() {
        assertThat(dns.hostname(pod("ClusterFirst", false).build())).isEqualTo("web");
        Pod p = pod("ClusterFirst", false).editSpec().withHostname("db-0").withSubdomain("db").endSpec().build();
        assertThat(dns.hostname(p)).isEqualTo("db-0");
        p.getSpec().setSetHostnameAsFQDN(true);
        assertThat(dns.hostname(p)).isEqualTo("db-0.db.shop.svc.cluster.local");
        p.getSpec().setHostname("h".repeat(40));
        assertThatThrownBy(() -> dns.hostname(p)).hasMessageContaining("is too long (64 characters is the max");
        Pod longName = pod("ClusterFirst", false).editMetadata().withName("a".repeat(62) + "-bc").endMetadata()
                .build();
        assertThat(dns.hostname(longName)).isEqualTo("a".repeat(62));
    }
}
