package io.kube4j.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The generated table as text: what each kind of service and endpoint set turns into. */
class RulesetBuilderTest {

    private static final ProxyOptions OPTIONS = ProxyOptions.defaults("node-a", "10.42.0.0/16", "10.43.0.0/16", "kube4j0");
    private final RulesetBuilder builder = new RulesetBuilder(OPTIONS);

    private static ServicePortInfo port(String name, String clusterIp, int port, int nodePort) {
        return new ServicePortInfo("default", name, "http", "tcp", clusterIp, port, nodePort, List.of(), List.of(), 0,
                false, false);
    }

    private static EndpointInfo ready(String ip, String node) {
        return new EndpointInfo(ip, 8080, true, true, false, node);
    }

    private static String chainStarting(NftRuleset r, String prefix) {
        return r.chains().stream().map(NftRuleset.Chain::name).filter(n -> n.startsWith(prefix) && n.contains("/")).findFirst().orElseThrow();
    }

    @Test
    void clusterIpSpreadsRandomlyOverReadyEndpointsWithHairpinMasquerade() {
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(port("kubia", "10.43.0.5", 80, 0),
                List.of(ready("10.42.0.7", "node-a"), ready("10.42.0.8", "node-b"),
                        new EndpointInfo("10.42.0.9", 8080, false, false, false, "node-a")))));
        String svc = chainStarting(r, "service-");
        assertThat(svc).endsWith("-default/kubia/tcp/http");
        assertThat(r.elementsOf("service-ips")).containsExactly("10.43.0.5 . tcp . 80 : goto " + svc);
        assertThat(r.elementsOf("cluster-ips")).containsExactly("10.43.0.5");
        assertThat(r.elementsOf("no-endpoint-services")).isEmpty();
        List<String> rules = r.chain(svc).rules();
        assertThat(rules.getFirst()).isEqualTo(
                "ip daddr 10.43.0.5 tcp dport 80 ip saddr != 10.42.0.0/16 jump mark-for-masquerade");
        assertThat(rules.get(1)).matches("numgen random mod 2 vmap \\{ 0 : goto endpoint-\\w{8}-default/kubia/tcp/http__10\\.42\\.0\\.7/8080,"
                + " 1 : goto endpoint-\\w{8}-default/kubia/tcp/http__10\\.42\\.0\\.8/8080 }");
        String ep = chainStarting(r, "endpoint-");
        assertThat(r.chain(ep).rules()).containsExactly("ip saddr 10.42.0.7 jump mark-for-masquerade",
                "meta l4proto tcp dnat to 10.42.0.7:8080");
        assertThat(r.chains()).noneMatch(c -> c.name().contains("10.42.0.9"));
        assertThat(r.chains()).noneMatch(c -> c.name().startsWith("external-") || c.name().startsWith("local-"));
    }

    @Test
    void serviceWithoutEndpointsIsRejectedAtOnceOnEveryAddress() {
        ServicePortInfo p = new ServicePortInfo("default", "empty", "", "tcp", "10.43.0.6", 80, 30080,
                List.of("10.99.0.1"), List.of("127.0.0.50"), 0, false, false);
        // only not-ready, not-terminating endpoints: nothing usable
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(p,
                List.of(new EndpointInfo("10.42.0.7", 80, false, false, false, "node-a")))));
        assertThat(r.elementsOf("no-endpoint-services")).containsExactly("10.43.0.6 . tcp . 80 : goto reject-chain",
                "10.99.0.1 . tcp . 80 : goto reject-chain", "127.0.0.50 . tcp . 80 : goto reject-chain");
        assertThat(r.elementsOf("no-endpoint-nodeports")).containsExactly("tcp . 30080 : goto reject-chain");
        assertThat(r.elementsOf("service-ips")).isEmpty();
        assertThat(r.elementsOf("service-nodeports")).isEmpty();
        assertThat(r.chain("reject-chain").rules()).containsExactly("meta l4proto tcp reject with tcp reset", "reject");
        assertThat(r.chain("filter-output").rules()).containsExactly("ct state new jump service-endpoints-check");
        assertThat(r.chain("filter-input").rules()).contains("ct state new jump nodeport-endpoints-check");
        assertThat(r.chain("nodeport-endpoints-check").rules()).containsExactly(
                "fib daddr type local meta l4proto . th dport vmap @no-endpoint-nodeports");
        assertThat(r.chains()).noneMatch(c -> c.name().startsWith("service-") && !c.name().equals("service-endpoints-check"));
    }

    @Test
    void terminatingServingEndpointsAreTheFallbackWhenNoneIsReady() {
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(port("t", "10.43.0.7", 80, 0), List.of(
                new EndpointInfo("10.42.0.7", 8080, false, true, true, "node-a"),
                new EndpointInfo("10.42.0.8", 8080, false, false, true, "node-a")))));
        String svc = chainStarting(r, "service-");
        assertThat(r.chain(svc).rules().get(1)).startsWith("numgen random mod 1 vmap { 0 : goto endpoint-")
                .contains("10.42.0.7/8080").doesNotContain("10.42.0.8");
    }

    @Test
    void nodePortAndLoadBalancerGoThroughTheExternalChainWhichMasquerades() {
        ServicePortInfo p = new ServicePortInfo("default", "web", "http", "tcp", "10.43.0.8", 80, 30080,
                List.of("10.99.0.1"), List.of("127.0.0.50"), 0, false, false);
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(p, List.of(ready("10.42.0.7", "node-b")))));
        String ext = chainStarting(r, "external-");
        String svc = chainStarting(r, "service-");
        assertThat(r.elementsOf("service-nodeports")).containsExactly("tcp . 30080 : goto " + ext);
        assertThat(r.elementsOf("service-ips")).containsExactly("10.43.0.8 . tcp . 80 : goto " + svc,
                "10.99.0.1 . tcp . 80 : goto " + ext, "127.0.0.50 . tcp . 80 : goto " + ext);
        assertThat(r.chain(ext).rules()).containsExactly("jump mark-for-masquerade", "goto " + svc);
        // NodePorts on every local address, 127.0.0.1 included (no "daddr != 127.0.0.0/8" as upstream has)
        assertThat(r.chain("services").rules()).containsExactly("ip daddr . meta l4proto . th dport vmap @service-ips",
                "fib daddr type local meta l4proto . th dport vmap @service-nodeports");
        assertThat(r.chain("masquerading").rules()).containsExactly(
                "ip saddr 127.0.0.0/8 oifname \"kube4j0\" masquerade fully-random comment \"localhost NodePorts and load-balancer IPs\"",
                "meta mark & 0x4000 == 0 return", "meta mark set meta mark ^ 0x4000", "masquerade fully-random");
    }

    @Test
    void externalTrafficPolicyLocalUsesLocalEndpointsKeepsTheSourceAndDropsWithoutThem() {
        ServicePortInfo p = new ServicePortInfo("default", "web", "http", "tcp", "10.43.0.9", 80, 30081,
                List.of(), List.of("127.0.0.51"), 0, false, true);
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(p,
                List.of(ready("10.42.0.7", "node-a"), ready("10.42.0.8", "node-b")))));
        String ext = chainStarting(r, "external-");
        String local = chainStarting(r, "local-");
        String svc = chainStarting(r, "service-");
        assertThat(r.chain(ext).rules()).containsExactly(
                "ip saddr 10.42.0.0/16 goto " + svc + " comment \"short-circuit pod traffic\"",
                "fib saddr type local jump mark-for-masquerade comment \"masquerade local traffic\"",
                "fib saddr type local goto " + svc + " comment \"short-circuit local traffic\"",
                "goto " + local);
        assertThat(r.chain(local).rules()).hasSize(1).first().asString()
                .startsWith("numgen random mod 1 vmap").contains("10.42.0.7/8080");
        assertThat(r.chain(svc).rules().get(1)).startsWith("numgen random mod 2 vmap");

        // no local endpoint: external traffic is dropped, internal still served
        NftRuleset none = builder.build(List.of(new ServicePortEndpoints(p, List.of(ready("10.42.0.8", "node-b")))));
        String ext2 = chainStarting(none, "external-");
        assertThat(none.chain(ext2).rules()).hasSize(3).noneMatch(x -> x.startsWith("goto local-"));
        assertThat(none.elementsOf("no-endpoint-nodeports")).containsExactly("tcp . 30081 : drop");
        assertThat(none.elementsOf("no-endpoint-services")).containsExactly("127.0.0.51 . tcp . 80 : drop");
        assertThat(none.elementsOf("service-ips")).anyMatch(e -> e.startsWith("10.43.0.9 . tcp . 80 : goto service-"));
    }

    @Test
    void internalTrafficPolicyLocalSendsClusterIpTrafficToLocalEndpointsOnly() {
        ServicePortInfo p = new ServicePortInfo("kube-system", "kube-dns", "dns", "udp", "10.43.0.10", 53, 0,
                List.of(), List.of(), 0, true, false);
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(p, List.of(
                new EndpointInfo("10.42.0.1", 53, true, true, false, "node-a"),
                new EndpointInfo("10.42.1.1", 53, true, true, false, "node-b")))));
        String local = chainStarting(r, "local-");
        assertThat(r.elementsOf("service-ips")).containsExactly("10.43.0.10 . udp . 53 : goto " + local);
        assertThat(r.chain(local).rules().get(1)).startsWith("numgen random mod 1 vmap").contains("10.42.0.1/53")
                .doesNotContain("10.42.1.1");
        assertThat(r.chains()).noneMatch(c -> c.name().startsWith("service-") && c.name().contains("kube-dns"));

        NftRuleset remoteOnly = new RulesetBuilder(ProxyOptions.defaults("node-c", "10.42.0.0/16", "10.43.0.0/16",
                "kube4j0")).build(List.of(new ServicePortEndpoints(p, List.of(
                new EndpointInfo("10.42.1.1", 53, true, true, false, "node-b")))));
        assertThat(remoteOnly.elementsOf("no-endpoint-services")).containsExactly("10.43.0.10 . udp . 53 : drop");
    }

    @Test
    void clientIpAffinityUsesATimedSetPerEndpoint() {
        ServicePortInfo p = new ServicePortInfo("default", "sticky", "", "tcp", "10.43.0.11", 80, 0, List.of(),
                List.of(), 60, false, false);
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(p,
                List.of(ready("10.42.0.7", "node-a"), ready("10.42.0.8", "node-a")))));
        List<NftRuleset.NftSet> sets = r.sets().stream().filter(s -> s.name().startsWith("affinity-")).toList();
        assertThat(sets).hasSize(2).allMatch(s -> s.keep()
                && s.spec().equals("type ipv4_addr; flags dynamic,timeout; timeout 60s;"));
        String svc = chainStarting(r, "service-");
        assertThat(r.chain(svc).rules()).hasSize(4);
        assertThat(r.chain(svc).rules().get(1)).isEqualTo("ip saddr @" + sets.get(0).name() + " goto "
                + chainStarting(r, "endpoint-"));
        assertThat(r.chain(chainStarting(r, "endpoint-")).rules()).containsExactly(
                "ip saddr 10.42.0.7 jump mark-for-masquerade", "update @" + sets.get(0).name() + " { ip saddr }",
                "meta l4proto tcp dnat to 10.42.0.7:8080");
        // a new timeout is a new set (a set's timeout can't change in place)
        NftRuleset longer = builder.build(List.of(new ServicePortEndpoints(new ServicePortInfo("default", "sticky", "",
                "tcp", "10.43.0.11", 80, 0, List.of(), List.of(), 120, false, false), List.of(ready("10.42.0.7", "node-a")))));
        assertThat(longer.sets()).noneMatch(s -> s.name().equals(sets.get(0).name()));
    }

    @Test
    void everyProtocolAndPortOfAServiceIsServed() {
        NftRuleset r = builder.build(List.of(
                new ServicePortEndpoints(new ServicePortInfo("d", "m", "dns", "udp", "10.43.0.12", 53, 0, List.of(),
                        List.of(), 0, false, false), List.of(new EndpointInfo("10.42.0.7", 5353, true, true, false, null))),
                new ServicePortEndpoints(new ServicePortInfo("d", "m", "sig", "sctp", "10.43.0.12", 9000, 0, List.of(),
                        List.of(), 0, false, false), List.of(new EndpointInfo("10.42.0.7", 9000, true, true, false, null)))));
        assertThat(r.elementsOf("service-ips")).hasSize(2).anyMatch(e -> e.startsWith("10.43.0.12 . udp . 53 : goto service-"))
                .anyMatch(e -> e.startsWith("10.43.0.12 . sctp . 9000 : goto service-"));
        assertThat(r.elementsOf("cluster-ips")).containsExactly("10.43.0.12");
        assertThat(r.chains()).anyMatch(c -> c.rules().contains("meta l4proto udp dnat to 10.42.0.7:5353"))
                .anyMatch(c -> c.rules().contains("meta l4proto sctp dnat to 10.42.0.7:9000"));
    }

    @Test
    void aSecondSyncFlushesInPlaceKeepsAffinityAndDeletesWhatWent() {
        ServicePortInfo p = new ServicePortInfo("default", "sticky", "", "tcp", "10.43.0.11", 80, 0, List.of(),
                List.of(), 60, false, false);
        NftRuleset first = builder.build(List.of(new ServicePortEndpoints(p,
                List.of(ready("10.42.0.7", "node-a"), ready("10.42.0.8", "node-a")))));
        String fresh = first.script(null);
        assertThat(fresh).startsWith("add table ip kube4j-proxy\ndelete table ip kube4j-proxy\nadd table ip kube4j-proxy\n")
                .contains("add chain ip kube4j-proxy nat-output { type nat hook output priority -100; policy accept; }\n")
                .doesNotContain("flush");
        NftRuleset second = builder.build(List.of(new ServicePortEndpoints(p, List.of(ready("10.42.0.7", "node-a")))));
        String next = second.script(first);
        assertThat(next).startsWith("add table ip kube4j-proxy\nadd chain").doesNotContain("delete table")
                .contains("flush map ip kube4j-proxy service-ips\n", "flush chain ip kube4j-proxy services\n");
        String goneChain = first.chains().stream().map(NftRuleset.Chain::name).filter(n -> n.contains("10.42.0.8"))
                .findFirst().orElseThrow();
        String goneSet = first.sets().stream().map(NftRuleset.NftSet::name).filter(n -> n.contains("10.42.0.8"))
                .findFirst().orElseThrow();
        String keptSet = second.sets().stream().map(NftRuleset.NftSet::name).filter(n -> n.startsWith("affinity-"))
                .findFirst().orElseThrow();
        assertThat(next).doesNotContain("flush set ip kube4j-proxy " + keptSet)
                .endsWith("delete set ip kube4j-proxy " + goneSet + "\ndelete chain ip kube4j-proxy " + goneChain + "\n");
        assertThat(next.indexOf("flush chain ip kube4j-proxy " + goneChain)).isLessThan(next.indexOf("add rule"));
    }

    @Test
    void twoServicesClaimingOneAddressAndPortKeepTheFirst() {
        ServicePortInfo a = new ServicePortInfo("a", "lb", "", "tcp", "10.43.0.20", 80, 0, List.of(),
                List.of("127.0.0.60"), 0, false, false);
        ServicePortInfo b = new ServicePortInfo("b", "lb", "", "tcp", "10.43.0.21", 80, 0, List.of(),
                List.of("127.0.0.60"), 0, false, false);
        NftRuleset r = builder.build(List.of(new ServicePortEndpoints(a, List.of(ready("10.42.0.7", null))),
                new ServicePortEndpoints(b, List.of(ready("10.42.0.8", null)))));
        assertThat(r.elementsOf("service-ips")).filteredOn(e -> e.startsWith("127.0.0.60 ")).hasSize(1).first()
                .asString().contains("-a/lb/tcp/");
    }
}
