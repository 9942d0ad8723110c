package io.kube4j.apiserver.resources.core.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.list;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * Service rows: TYPE, CLUSTER-IP, EXTERNAL-IP (by type: external IPs, load balancer ingress,
 * {@code <pending>}, the external name), PORT(S) as {@code 80/TCP} or {@code 80:30080/TCP}; wide:
 * SELECTOR. Stateless and thread-safe.
 */
public final class ServiceTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Type"),
            Column.string("Cluster-IP"),
            Column.string("External-IP"),
            Column.string("Port(s)"),
            Column.ageColumn(),
            Column.string("Selector").wide());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode svc, Instant now) {
        JsonNode spec = at(svc, "spec");
        String type = CellFormat.textOr("ClusterIP", spec, "type");
        List<JsonNode> clusterIps = list(spec, "clusterIPs");
        String clusterIp = clusterIps.isEmpty() ? text(spec, "clusterIP") : clusterIps.get(0).asText();
        String ports = ports(spec);
        return List.of(text(svc, "metadata", "name"), type, clusterIp.isEmpty() ? CellFormat.NONE : clusterIp,
                externalIp(svc, type), ports.isEmpty() ? CellFormat.NONE : ports, CellFormat.age(svc, now),
                CellFormat.formatLabels(at(spec, "selector")));
    }

    static String externalIp(JsonNode svc, String type) {
        List<String> externalIps = new ArrayList<>();
        list(svc, "spec", "externalIPs").forEach(ip -> externalIps.add(ip.asText()));
        switch (type) {
            case "ClusterIP", "NodePort" -> {
                return externalIps.isEmpty() ? CellFormat.NONE : String.join(",", externalIps);
            }
            case "LoadBalancer" -> {
                // the server renders wide tables, so the ingress list is never clipped
                String lb = loadBalancerIngress(at(svc, "status", "loadBalancer"));
                if (!externalIps.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    if (!lb.isEmpty()) {
                        all.addAll(List.of(lb.split(",")));
                    }
                    all.addAll(externalIps);
                    return String.join(",", all);
                }
                return lb.isEmpty() ? "<pending>" : lb;
            }
            case "ExternalName" -> {
                return text(svc, "spec", "externalName");
            }
            default -> {
                return CellFormat.UNKNOWN;
            }
        }
    }

    /** The sorted, de-duplicated IPs (or host names) of a load balancer status, comma-joined. */
    public static String loadBalancerIngress(JsonNode loadBalancer) {
        TreeSet<String> result = new TreeSet<>();
        for (JsonNode in : list(loadBalancer, "ingress")) {
            String ip = text(in, "ip");
            String host = text(in, "hostname");
            if (!ip.isEmpty()) {
                result.add(ip);
            } else if (!host.isEmpty()) {
                result.add(host);
            }
        }
        return String.join(",", result);
    }

    static String ports(JsonNode spec) {
        List<String> pieces = new ArrayList<>();
        for (JsonNode p : list(spec, "ports")) {
            long port = CellFormat.integer(p, "port");
            long nodePort = CellFormat.integer(p, "nodePort");
            String protocol = CellFormat.textOr("TCP", p, "protocol");
            pieces.add(nodePort > 0 ? port + ":" + nodePort + "/" + protocol : port + "/" + protocol);
        }
        return String.join(",", pieces);
    }
}
