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
            Column.string("Type", "type determines how the Service is exposed. Defaults to ClusterIP. Valid "
                    + "options are ExternalName, ClusterIP, NodePort, and LoadBalancer. \"ClusterIP\" allocates a "
                    + "cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the "
                    + "selector or if that is not specified, by manual construction of an Endpoints object or "
                    + "EndpointSlice objects. If clusterIP is \"None\", no virtual IP is allocated and the "
                    + "endpoints are published as a set of endpoints rather than a virtual IP. \"NodePort\" builds "
                    + "on ClusterIP and allocates a port on every node which routes to the same endpoints as the "
                    + "clusterIP. \"LoadBalancer\" builds on NodePort and creates an external load-balancer (if "
                    + "supported in the current cloud) which routes to the same endpoints as the clusterIP. "
                    + "\"ExternalName\" aliases this service to the specified externalName. Several other fields "
                    + "do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/"
                    + "services-networking/service/#publishing-services-service-types"),
            Column.string("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned "
                    + "randomly. If an address is specified manually, is in-range (as per system configuration), "
                    + "and is not in use, it will be allocated to the service; otherwise creation of the service "
                    + "will fail. This field may not be changed through updates unless the type field is also "
                    + "being changed to ExternalName (which requires this field to be blank) or the type field is "
                    + "being changed from ExternalName (in which case this field may optionally be specified, as "
                    + "describe above).  Valid values are \"None\", empty string (\"\"), or a valid IP address. "
                    + "Setting this to \"None\" makes a \"headless service\" (no virtual IP), which is useful when "
                    + "direct endpoint connections are preferred and proxying is not required.  Only applies to "
                    + "types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a "
                    + "Service of type ExternalName, creation will fail. This field will be wiped when updating a "
                    + "Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/"
                    + "services-networking/service/#virtual-ips-and-service-proxies"),
            Column.string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster "
                    + "will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The "
                    + "user is responsible for ensuring that traffic arrives at a node with this IP.  A common "
                    + "example is external load-balancers that are not part of the Kubernetes system."),
            Column.string("Port(s)", "The list of ports that are exposed by this service. More info: "
                    + "https://kubernetes.io/docs/concepts/services-networking/service/"
                    + "#virtual-ips-and-service-proxies"),
            Column.ageColumn(),
            Column.string("Selector", "Route service traffic to pods with label keys and values matching this "
                    + "selector. If empty or not present, the service is assumed to have an external process "
                    + "managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, "
                    + "NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: "
                    + "https://kubernetes.io/docs/concepts/services-networking/service/").wide());

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
