package io.kube4j.node.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.kube4j.node.network.Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Answers one DNS query: names in the cluster domain from {@link ClusterRecords} (upstream's DNS schema 1.1.0:
 * services, headless endpoints, SRV for named ports, ExternalName CNAMEs, PTR, pod names in "insecure" mode), reverse
 * names of the cluster's own ranges authoritatively, and everything else through a {@link DnsForwarder}. Search paths
 * are the client's business (resolv.conf), never expanded here. Pure apart from the forwarder; thread-safe.
 */
public final class ClusterDnsResolver {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDnsResolver.class);
    /** Upstream's CoreDNS default record TTL. */
    static final long TTL = 5;
    static final String SCHEMA_VERSION = "1.1.0";
    private static final Name IN_ADDR_ARPA = absolute("in-addr.arpa.");

    private final ClusterRecords records;
    private final Name zone;
    private final List<Cidr> reverseCidrs;
    private final DnsForwarder forwarder;
    private final Name nsName;
    private final Name hostmaster;

    /**
     * @param clusterDomain the zone, e.g. cluster.local
     * @param reverseCidrs  the cluster's pod and service ranges: their reverse names are answered here, never forwarded
     * @param forwarder     where other names go
     */
    public ClusterDnsResolver(ClusterRecords records, String clusterDomain, List<Cidr> reverseCidrs,
                              DnsForwarder forwarder) {
        this.records = records;
        this.zone = absolute(clusterDomain);
        this.reverseCidrs = List.copyOf(reverseCidrs);
        this.forwarder = forwarder;
        this.nsName = absolute("ns.dns." + clusterDomain);
        this.hostmaster = absolute("hostmaster." + clusterDomain);
    }

    private static Name absolute(String name) {
        try {
            return Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("not a DNS name: " + name, e);
        }
    }

    /** The response to {@code query}; never null (SERVFAIL when forwarding fails). */
    public Message answer(Message query) {
        Record question = query.getQuestion();
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            return reply(query, Rcode.NOTIMP, false);
        }
        if (question == null || query.getHeader().getCount(Section.QUESTION) != 1) {
            return reply(query, Rcode.FORMERR, false);
        }
        Name qname = question.getName();
        int qtype = question.getType();
        if (question.getDClass() == DClass.IN) {
            if (qname.subdomain(zone)) {
                return clusterAnswer(query, qname, qtype);
            }
            Integer ip = reverseIp(qname);
            if (ip != null && inCluster(ip)) {
                return reverseAnswer(query, qname, qtype, ip);
            }
        }
        try {
            Message r = forwarder.forward(query);
            r.getHeader().setID(query.getHeader().getID());
            return r;
        } catch (IOException | RuntimeException e) {
            LOG.debug("forward failed name={} type={}: {}", qname, Type.string(qtype), e.toString());
            return reply(query, Rcode.SERVFAIL, false);
        }
    }

    private Message clusterAnswer(Message query, Name qname, int qtype) {
        String[] l = relativeLabels(qname);
        Message r = reply(query, Rcode.NOERROR, true);
        int n = l.length;
        if (n == 0) {
            if (qtype == Type.SOA) {
                r.addRecord(soa(), Section.ANSWER);
            } else if (qtype == Type.NS) {
                r.addRecord(new NSRecord(qname, DClass.IN, TTL, nsName), Section.ANSWER);
            } else {
                r.addRecord(soa(), Section.AUTHORITY);
            }
            return r;
        }
        boolean found;
        if (n == 1 && l[0].equals("dns-version")) {
            found = true;
            if (qtype == Type.TXT) {
                r.addRecord(new TXTRecord(qname, DClass.IN, TTL, SCHEMA_VERSION), Section.ANSWER);
            }
        } else if (l[n - 1].equals("svc")) {
            found = serviceRecords(r, qname, qtype, l);
        } else if (l[n - 1].equals("pod")) {
            found = podRecords(r, qname, qtype, l);
        } else {
            found = false;
        }
        if (!found) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        if (r.getSectionRRsets(Section.ANSWER).isEmpty()) {
            r.addRecord(soa(), Section.AUTHORITY);
        }
        return r;
    }

    /** Labels of qname below the zone, lowercase, leftmost first. */
    private String[] relativeLabels(Name qname) {
        int n = qname.labels() - zone.labels();
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = qname.getLabelString(i).toLowerCase(Locale.ROOT);
        }
        return out;
    }

    private boolean serviceRecords(Message r, Name qname, int qtype, String[] l) {
        int n = l.length;
        if (n == 1) {
            return true;
        }
        if (n == 2) {
            return records.hasNamespace(l[0]);
        }
        Service svc = records.service(l[n - 2], l[n - 3]);
        if (svc == null || svc.getSpec() == null) {
            return false;
        }
        Name svcName = absolute(l[n - 3] + "." + l[n - 2] + ".svc." + zoneText());
        if (n == 3) {
            serviceAnswer(r, qname, qtype, svc);
            return true;
        }
        if (n == 4) {
            if (!headless(svc)) {
                return false;
            }
            List<Target> targets = targets(svc, svcName);
            boolean any = false;
            for (Target t : targets) {
                if (t.hostname.equals(l[0])) {
                    any = true;
                    addAddress(r, Section.ANSWER, qname, qtype, t.ip);
                }
            }
            return any;
        }
        if (n == 5 && l[0].startsWith("_") && l[1].startsWith("_")) {
            return srvAnswer(r, qname, qtype, svc, svcName, l[0].substring(1), l[1].substring(1));
        }
        return false;
    }

    private void serviceAnswer(Message r, Name qname, int qtype, Service svc) {
        var spec = svc.getSpec();
        if ("ExternalName".equals(spec.getType())) {
            String ext = spec.getExternalName();
            if (ext == null || ext.isEmpty()) {
                return;
            }
            Name target = absolute(ext);
            r.addRecord(new CNAMERecord(qname, DClass.IN, TTL, target), Section.ANSWER);
            if (qtype != Type.CNAME) {
                chase(r, target, qtype);
            }
            return;
        }
        if (headless(svc)) {
            Set<String> ips = new LinkedHashSet<>();
            for (Target t : targets(svc, qname)) {
                ips.add(t.ip);
            }
            ips.forEach(ip -> addAddress(r, Section.ANSWER, qname, qtype, ip));
            return;
        }
        for (String ip : clusterIps(svc)) {
            addAddress(r, Section.ANSWER, qname, qtype, ip);
        }
    }

    /** Adds the target's address records after an ExternalName CNAME: from the cluster, or from the upstream. */
    private void chase(Message r, Name target, int qtype) {
        if (qtype != Type.A && qtype != Type.AAAA && qtype != Type.ANY) {
            return;
        }
        try {
            Message sub = Message.newQuery(Record.newRecord(target, qtype, DClass.IN));
            Message resp = target.subdomain(zone) ? clusterAnswer(sub, target, qtype) : forwarder.forward(sub);
            for (Record rec : resp.getSection(Section.ANSWER)) {
                r.addRecord(rec, Section.ANSWER);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not resolve CNAME target {}: {}", target, e.toString());
        }
    }

    private boolean srvAnswer(Message r, Name qname, int qtype, Service svc, Name svcName, String port,
                              String proto) {
        if ("ExternalName".equals(svc.getSpec().getType())) {
            return false;
        }
        boolean any = false;
        if (headless(svc)) {
            record Srv(int port, Name host, String ip) {
            }
            Set<String> seen = new LinkedHashSet<>();
            List<Srv> srv = new ArrayList<>();
            for (Target t : targets(svc, svcName)) {
                for (Integer number : t.ports.getOrDefault(port + "/" + proto, List.of())) {
                    if (seen.add(t.hostname + ":" + number)) {
                        srv.add(new Srv(number, hostName(t, svcName), t.ip));
                    }
                }
            }
            if (qtype == Type.SRV) {
                for (Srv s : srv) {
                    r.addRecord(new SRVRecord(qname, DClass.IN, TTL, 0, 100 / srv.size(), s.port, s.host),
                            Section.ANSWER);
                    addAddress(r, Section.ADDITIONAL, s.host, Type.A, s.ip);
                }
            }
            return !srv.isEmpty();
        }
        for (ServicePort p : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
            if (p.getName() != null && p.getName().equalsIgnoreCase(port) && protocol(p.getProtocol()).equals(proto)) {
                any = true;
                if (qtype == Type.SRV) {
                    r.addRecord(new SRVRecord(qname, DClass.IN, TTL, 0, 100, p.getPort(), svcName), Section.ANSWER);
                    for (String ip : clusterIps(svc)) {
                        addAddress(r, Section.ADDITIONAL, svcName, Type.A, ip);
                    }
                }
            }
        }
        return any;
    }

    private boolean podRecords(Message r, Name qname, int qtype, String[] l) {
        int n = l.length;
        if (n == 1 || n == 2) {
            return true;
        }
        if (n != 3) {
            return false;
        }
        String ip = l[0].replace('-', '.');
        if (parseIpv4(ip) == null) {
            return false;
        }
        // Upstream's "pods insecure": any well-formed address answers, pod or not.
        addAddress(r, Section.ANSWER, qname, qtype, ip);
        return true;
    }

    private Message reverseAnswer(Message query, Name qname, int qtype, int ip) {
        Message r = reply(query, Rcode.NOERROR, true);
        Name target = ptrTarget(ipText(ip));
        if (target == null) {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        } else if (qtype == Type.PTR || qtype == Type.ANY) {
            r.addRecord(new PTRRecord(qname, DClass.IN, TTL, target), Section.ANSWER);
        }
        if (r.getSectionRRsets(Section.ANSWER).isEmpty()) {
            r.addRecord(soa(), Section.AUTHORITY);
        }
        return r;
    }

    /** The name an address points back to: a service's cluster IP, else a headless service's endpoint. */
    private Name ptrTarget(String ip) {
        List<Service> all = records.services();
        for (Service svc : all) {
            if (svc.getSpec() != null && !headless(svc) && clusterIps(svc).contains(ip)) {
                var md = svc.getMetadata();
                return absolute(md.getName() + "." + md.getNamespace() + ".svc." + zoneText());
            }
        }
        for (Service svc : all) {
            if (svc.getSpec() != null && headless(svc)) {
                var md = svc.getMetadata();
                Name svcName = absolute(md.getName() + "." + md.getNamespace() + ".svc." + zoneText());
                for (Target t : targets(svc, svcName)) {
                    if (t.ip.equals(ip)) {
                        return hostName(t, svcName);
                    }
                }
            }
        }
        return null;
    }

    private record Target(String hostname, String ip, Map<String, List<Integer>> ports) {
    }

    /** A headless service's endpoints that DNS publishes: ready ones, or all with publishNotReadyAddresses. */
    private List<Target> targets(Service svc, Name svcName) {
        boolean all = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
        List<Target> out = new ArrayList<>();
        for (EndpointSlice slice : records.slices(svc.getMetadata().getNamespace(), svc.getMetadata().getName())) {
            Map<String, List<Integer>> ports = new LinkedHashMap<>();
            if (slice.getPorts() != null) {
                for (EndpointPort p : slice.getPorts()) {
                    if (p.getName() != null && !p.getName().isEmpty() && p.getPort() != null) {
                        ports.computeIfAbsent(p.getName().toLowerCase(Locale.ROOT) + "/" + protocol(p.getProtocol()),
                                k -> new ArrayList<>()).add(p.getPort());
                    }
                }
            }
            if (slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint ep : slice.getEndpoints()) {
                boolean ready = ep.getConditions() == null || ep.getConditions().getReady() == null
                        || ep.getConditions().getReady();
                if ((!ready && !all) || ep.getAddresses() == null) {
                    continue;
                }
                for (String ip : ep.getAddresses()) {
                    if (parseIpv4(ip) == null && !ip.contains(":")) {
                        continue;
                    }
                    String host = ep.getHostname() != null && !ep.getHostname().isEmpty()
                            ? ep.getHostname().toLowerCase(Locale.ROOT) : ip.replace('.', '-').replace(':', '-');
                    out.add(new Target(host, ip, ports));
                }
            }
        }
        return out;
    }

    private Name hostName(Target t, Name svcName) {
        try {
            return Name.concatenate(Name.fromString(t.hostname), svcName);
        } catch (Exception e) {
            throw new IllegalArgumentException("bad endpoint hostname " + t.hostname, e);
        }
    }

    private static boolean headless(Service svc) {
        return "None".equals(svc.getSpec().getClusterIP());
    }

    private static List<String> clusterIps(Service svc) {
        var spec = svc.getSpec();
        if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
            return spec.getClusterIPs();
        }
        return spec.getClusterIP() == null || spec.getClusterIP().isEmpty() ? List.of() : List.of(spec.getClusterIP());
    }

    private static String protocol(String p) {
        return p == null ? "tcp" : p.toLowerCase(Locale.ROOT);
    }

    /** Adds an A (or AAAA) record when the address family matches the query type. */
    private static void addAddress(Message r, int section, Name owner, int qtype, String ip) {
        try {
            if (ip.contains(":")) {
                if (qtype == Type.AAAA || qtype == Type.ANY) {
                    r.addRecord(new AAAARecord(owner, DClass.IN, TTL, InetAddress.getByName(ip)), section);
                }
            } else if (qtype == Type.A || qtype == Type.ANY) {
                byte[] b = parseIpv4(ip);
                if (b != null) {
                    r.addRecord(new ARecord(owner, DClass.IN, TTL, InetAddress.getByAddress(b)), section);
                }
            }
        } catch (UnknownHostException e) {
            // not an address literal: nothing to publish
        }
    }

    /** The four bytes of a dotted IPv4 literal, or null; never does a lookup. */
    static byte[] parseIpv4(String s) {
        String[] p = s.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (p[i].isEmpty() || p[i].length() > 3 || !p[i].chars().allMatch(Character::isDigit)) {
                return null;
            }
            int v = Integer.parseInt(p[i]);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** The IPv4 address of a full in-addr.arpa name, or null. */
    private static Integer reverseIp(Name qname) {
        if (qname.labels() != 7 || !qname.subdomain(IN_ADDR_ARPA)) {
            return null;
        }
        byte[] b = parseIpv4(qname.getLabelString(3) + "." + qname.getLabelString(2) + "."
                + qname.getLabelString(1) + "." + qname.getLabelString(0));
        return b == null ? null : ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private boolean inCluster(int ip) {
        for (Cidr c : reverseCidrs) {
            if (c.contains(new Cidr(ip, 32))) {
                return true;
            }
        }
        return false;
    }

    private static String ipText(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    private String zoneText() {
        return zone.toString(true);
    }

    private SOARecord soa() {
        return new SOARecord(zone, DClass.IN, TTL, nsName, hostmaster, 1, 7200, 1800, 86400, TTL);
    }

    private static Message reply(Message query, int rcode, boolean authoritative) {
        Message r = new Message(query.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setFlag(Flags.RA);
        if (authoritative) {
            r.getHeader().setFlag(Flags.AA);
        }
        r.getHeader().setRcode(rcode);
        if (query.getQuestion() != null) {
            r.addRecord(query.getQuestion(), Section.QUESTION);
        }
        return r;
    }
}
