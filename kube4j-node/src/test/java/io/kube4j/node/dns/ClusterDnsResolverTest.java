package io.kube4j.node.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kube4j.node.network.Cidr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterDnsResolverTest {
    private final ClusterRecords records = new ClusterRecords();
    private final List<Message> forwarded = new ArrayList<>();
    private ClusterDnsResolver resolver;

    @BeforeEach
    void setUp() {
        resolver = new ClusterDnsResolver(records, "cluster.local",
                List.of(Cidr.parse("10.42.0.0/16"), Cidr.parse("10.43.0.0/16")), q -> {
                    forwarded.add(q);
                    Message r = new Message(q.getHeader().getID());
                    r.getHeader().setFlag(Flags.QR);
                    r.addRecord(q.getQuestion(), Section.QUESTION);
                    r.addRecord(Record.fromString(q.getQuestion().getName(), Type.A, DClass.IN, 60, "192.0.2.7",
                            Name.root), Section.ANSWER);
                    return r;
                });
        records.putService(service("default", "kubia", "10.43.12.34", "http", 80, "TCP"));
        records.putService(service("default", "db", "None", "pg", 5432, "TCP"));
        records.putSlice(slice("default", "db-abc", "db", "pg", 5432,
                ep("10.42.0.5", "db-0", true), ep("10.42.0.6", null, true), ep("10.42.0.7", "db-2", false)));
        records.putService(new ServiceBuilder().withNewMetadata().withName("ext").withNamespace("default")
                .endMetadata().withNewSpec().withType("ExternalName").withExternalName("example.org").endSpec()
                .build());
    }

    static Service service(String ns, String name, String clusterIp, String portName, int port, String proto) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).addNewPort().withName(portName).withPort(port)
                .withProtocol(proto).endPort().endSpec().build();
    }

    record Ep(String ip, String hostname, boolean ready) {
    }

    static Ep ep(String ip, String hostname, boolean ready) {
        return new Ep(ip, hostname, ready);
    }

    static EndpointSlice slice(String ns, String name, String svc, String portName, int port, Ep... eps) {
        EndpointSliceBuilder b = new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withLabels(Map.of("kubernetes.io/service-name", svc)).endMetadata().withAddressType("IPv4")
                .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort();
        for (Ep e : eps) {
            b.addNewEndpoint().withAddresses(e.ip).withHostname(e.hostname).withNewConditions()
                    .withReady(e.ready).endConditions().endEndpoint();
        }
        return b.build();
    }

    private Message ask(String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        Message r = resolver.answer(q);
        assertThat(r.getHeader().getID()).isEqualTo(q.getHeader().getID());
        return r;
    }

    private static List<String> answers(Message r) {
        return r.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    @Test
    void clusterIpServiceHasOneARecordCaseInsensitively() throws Exception {
        Message r = ask("KUBIA.Default.svc.cluster.local.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answers(r)).containsExactly("10.43.12.34");
        assertThat(r.getSection(Section.ANSWER).getFirst().getTTL()).isEqualTo(5);
        assertThat(forwarded).isEmpty();
    }

    @Test
    void unknownNamesInTheZoneAreNxdomainWithSoa() throws Exception {
        Message r = ask("nope.default.svc.cluster.local.", Type.A);
        assertThat(r.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(r.getSection(Section.AUTHORITY)).singleElement()
                .satisfies(s -> assertThat(s.getType()).isEqualTo(Type.SOA))
                .satisfies(s -> assertThat(s.rdataToString()).startsWith("ns.dns.cluster.local. "
                        + "hostmaster.cluster.local."));
        assertThat(ask("kubia.default.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("kubia.nowhere.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(forwarded).isEmpty();
    }

    @Test
    void otherTypesOfAKnownNameAreNoData() throws Exception {
        Message r = ask("kubia.default.svc.cluster.local.", Type.AAAA);
        assertThat(r.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
        assertThat(r.getSection(Section.AUTHORITY)).extracting(Record::getType).containsExactly(Type.SOA);
        assertThat(ask("default.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask("svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void headlessServiceReturnsReadyEndpointsAndHostnames() throws Exception {
        assertThat(answers(ask("db.default.svc.cluster.local.", Type.A)))
                .containsExactlyInAnyOrder("10.42.0.5", "10.42.0.6");
        assertThat(answers(ask("db-0.db.default.svc.cluster.local.", Type.A))).containsExactly("10.42.0.5");
        assertThat(answers(ask("10-42-0-6.db.default.svc.cluster.local.", Type.A))).containsExactly("10.42.0.6");
        assertThat(ask("db-2.db.default.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void publishNotReadyAddressesAddsNotReadyEndpoints() throws Exception {
        Service s = service("default", "db", "None", "pg", 5432, "TCP");
        s.getSpec().setPublishNotReadyAddresses(true);
        records.putService(s);
        assertThat(answers(ask("db.default.svc.cluster.local.", Type.A)))
                .containsExactlyInAnyOrder("10.42.0.5", "10.42.0.6", "10.42.0.7");
        assertThat(answers(ask("db-2.db.default.svc.cluster.local.", Type.A))).containsExactly("10.42.0.7");
    }

    @Test
    void srvForNamedPorts() throws Exception {
        Message r = ask("_http._tcp.kubia.default.svc.cluster.local.", Type.SRV);
        assertThat(answers(r)).containsExactly("0 100 80 kubia.default.svc.cluster.local.");
        assertThat(r.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString).containsExactly("10.43.12.34");
        assertThat(ask("_http._udp.kubia.default.svc.cluster.local.", Type.SRV).getRcode())
                .isEqualTo(Rcode.NXDOMAIN);

        Message h = ask("_pg._tcp.db.default.svc.cluster.local.", Type.SRV);
        assertThat(h.getSection(Section.ANSWER)).map(rec -> ((SRVRecord) rec).getTarget().toString())
                .containsExactlyInAnyOrder("db-0.db.default.svc.cluster.local.",
                        "10-42-0-6.db.default.svc.cluster.local.");
        assertThat(h.getSection(Section.ANSWER)).allSatisfy(rec -> assertThat(((SRVRecord) rec).getPort())
                .isEqualTo(5432));
        assertThat(h.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString)
                .containsExactlyInAnyOrder("10.42.0.5", "10.42.0.6");
    }

    @Test
    void externalNameIsACnameChasedThroughTheUpstream() throws Exception {
        Message r = ask("ext.default.svc.cluster.local.", Type.A);
        assertThat(r.getSection(Section.ANSWER)).extracting(Record::getType).containsExactly(Type.CNAME, Type.A);
        assertThat(answers(r)).containsExactly("example.org.", "192.0.2.7");
        assertThat(answers(ask("ext.default.svc.cluster.local.", Type.CNAME))).containsExactly("example.org.");
    }

    @Test
    void ptrForClusterIpsAndHeadlessEndpoints() throws Exception {
        assertThat(answers(ask("34.12.43.10.in-addr.arpa.", Type.PTR)))
                .containsExactly("kubia.default.svc.cluster.local.");
        assertThat(answers(ask("5.0.42.10.in-addr.arpa.", Type.PTR)))
                .containsExactly("db-0.db.default.svc.cluster.local.");
        Message unknown = ask("99.0.42.10.in-addr.arpa.", Type.PTR);
        assertThat(unknown.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(forwarded).isEmpty();
        // outside the cluster's ranges: the upstream's business
        ask("1.2.0.192.in-addr.arpa.", Type.PTR);
        assertThat(forwarded).hasSize(1);
    }

    @Test
    void podRecordsInInsecureMode() throws Exception {
        assertThat(answers(ask("10-42-0-9.default.pod.cluster.local.", Type.A))).containsExactly("10.42.0.9");
        assertThat(ask("10-42-0-999.default.pod.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void schemaVersionAndApex() throws Exception {
        assertThat(answers(ask("dns-version.cluster.local.", Type.TXT))).containsExactly("\"1.1.0\"");
        assertThat(ask("cluster.local.", Type.SOA).getSection(Section.ANSWER)).extracting(Record::getType)
                .containsExactly(Type.SOA);
    }

    @Test
    void sliceChangesAreSeenAtOnce() throws Exception {
        records.putSlice(slice("default", "db-abc", "db", "pg", 5432, ep("10.42.0.8", null, true)));
        assertThat(answers(ask("db.default.svc.cluster.local.", Type.A))).containsExactly("10.42.0.8");
        records.removeSlice(slice("default", "db-abc", "db", "pg", 5432));
        assertThat(answers(ask("db.default.svc.cluster.local.", Type.A))).isEmpty();
        records.removeService(service("default", "kubia", "10.43.12.34", "http", 80, "TCP"));
        assertThat(ask("kubia.default.svc.cluster.local.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void otherNamesAreForwardedWithTheQueryId() throws Exception {
        Message r = ask("example.com.", Type.A);
        assertThat(forwarded).hasSize(1);
        assertThat(answers(r)).containsExactly("192.0.2.7");
    }

    @Test
    void forwardFailureIsServfail() throws Exception {
        resolver = new ClusterDnsResolver(records, "cluster.local", List.of(), q -> {
            throw new java.io.IOException("timed out");
        });
        assertThat(ask("example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }
}
