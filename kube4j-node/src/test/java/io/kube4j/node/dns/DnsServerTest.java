package io.kube4j.node.dns;

import io.kube4j.node.network.Cidr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The server over real sockets on 127.0.0.1, with a fake upstream (another DnsServer) on 127.0.0.1 too. */
class DnsServerTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    private DnsServer serve(java.util.function.Function<Message, Message> handler) throws Exception {
        DnsServer s = new DnsServer("127.0.0.1", 0, Duration.ofMillis(100), handler);
        closeables.add(s);
        s.start();
        assertThat(s.awaitBound(Duration.ofSeconds(5))).isTrue();
        return s;
    }

    /** A fake upstream: answers every A query with 198.51.100.1, and many TXT records (for truncation). */
    private static Message fakeUpstream(Message q, AtomicInteger seen) {
        seen.incrementAndGet();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.addRecord(q.getQuestion(), Section.QUESTION);
        try {
            if (q.getQuestion().getType() == Type.TXT) {
                for (int i = 0; i < 40; i++) {
                    r.addRecord(Record.fromString(q.getQuestion().getName(), Type.TXT, DClass.IN, 60,
                            "\"record number " + i + " padded to make the answer longer than 512 bytes\"", Name.root),
                            Section.ANSWER);
                }
            } else {
                r.addRecord(Record.fromString(q.getQuestion().getName(), Type.A, DClass.IN, 60, "198.51.100.1",
                        Name.root), Section.ANSWER);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    private ClusterDnsResolver clusterResolver(int upstreamPort) {
        ClusterRecords records = new ClusterRecords();
        records.putService(ClusterDnsResolverTest.service("default", "kubia", "10.43.0.20", "http", 80, "TCP"));
        return new ClusterDnsResolver(records, "cluster.local", List.of(Cidr.parse("10.43.0.0/16")),
                new UpstreamForwarder(List.of(UpstreamForwarder.parseUpstream("127.0.0.1:" + upstreamPort)),
                        Duration.ofSeconds(2)));
    }

    private static Message query(int port, boolean tcp, String name, int type) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTCP(tcp);
        r.setTimeout(Duration.ofSeconds(3));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    @Test
    void answersClusterNamesOverUdpAndTcpAndForwardsTheRest() throws Exception {
        AtomicInteger upstreamSeen = new AtomicInteger();
        DnsServer upstream = serve(q -> fakeUpstream(q, upstreamSeen));
        ClusterDnsResolver resolver = clusterResolver(upstream.port());
        DnsServer server = serve(resolver::answer);

        for (boolean tcp : new boolean[]{false, true}) {
            Message r = query(server.port(), tcp, "kubia.default.svc.cluster.local.", Type.A);
            assertThat(r.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("10.43.0.20");
            Message nx = query(server.port(), tcp, "missing.default.svc.cluster.local.", Type.A);
            assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            Message fwd = query(server.port(), tcp, "www.example.com.", Type.A);
            assertThat(fwd.getSection(Section.ANSWER)).extracting(Record::rdataToString)
                    .containsExactly("198.51.100.1");
        }
        assertThat(upstreamSeen).hasValue(2);
    }

    @Test
    void largeForwardedAnswersAreTruncatedOverUdpAndWholeOverTcp() throws Exception {
        AtomicInteger upstreamSeen = new AtomicInteger();
        DnsServer upstream = serve(q -> fakeUpstream(q, upstreamSeen));
        DnsServer server = serve(clusterResolver(upstream.port())::answer);
        // dnsjava retries over TCP by itself when the UDP answer is truncated; a raw UDP look shows the TC bit.
        byte[] wire = Message.newQuery(Record.newRecord(Name.fromString("big.example."), Type.TXT, DClass.IN))
                .toWire();
        byte[] out = server.respond(wire, true);
        Message udp = new Message(out);
        assertThat(out.length).isLessThanOrEqualTo(512);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        Message tcp = query(server.port(), true, "big.example.", Type.TXT);
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(40);
    }

    @Test
    void garbageGetsFormerrOrNothing() throws Exception {
        DnsServer server = serve(q -> q);
        assertThat(server.respond(new byte[]{1, 2, 3}, true)).isNull();
        byte[] junk = new byte[]{0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 99};
        Message r = new Message(server.respond(junk, true));
        assertThat(r.getHeader().getID()).isEqualTo(0x1234);
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void waitsForTheAddressToExist() throws Exception {
        // 192.0.2.53 (TEST-NET-1) is on no interface here: the server keeps retrying and binds nothing.
        DnsServer s = new DnsServer("192.0.2.53", 0, Duration.ofMillis(50), q -> q);
        closeables.add(s);
        s.start();
        assertThat(s.awaitBound(Duration.ofMillis(300))).isFalse();
        assertThat(s.port()).isEqualTo(-1);
    }
}
