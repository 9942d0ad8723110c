package io.kube4j.apiserver.resources.core.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * Node rows: STATUS from the Ready condition (plus SchedulingDisabled), ROLES from the
 * node-role labels, kubelet VERSION; wide: addresses and system info. Stateless and thread-safe.
 */
public final class NodeTableConvertor implements TableConvertor {
    private static final String ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
    private static final String ROLE_LABEL = "kubernetes.io/role";
    private static final String ADDRESSES_DOC = "List of addresses reachable to the node. Queried from cloud "
            + "provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses "
            + "Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can "
            + "cause data corruption when it is merged. Callers should instead use a full-replacement patch. See "
            + "https://pr.k8s.io/79391 for an example. Consumers should assume that addresses can change during "
            + "the lifetime of a Node. However, there are some exceptions where this may not be possible, such as "
            + "Pods that inherit a Node's address in its own status or consumers of the downward API "
            + "(status.hostIP).";

    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Status", "The status of the node"),
            Column.string("Roles", "The roles of the node"),
            Column.ageColumn(),
            Column.string("Version", "Kubelet Version reported by the node."),
            Column.string("Internal-IP", ADDRESSES_DOC).wide(),
            Column.string("External-IP", ADDRESSES_DOC).wide(),
            Column.string("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian "
                    + "GNU/Linux 7 (wheezy)).").wide(),
            Column.string("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. "
                    + "3.16.0-0.bpo.4-amd64).").wide(),
            Column.string("Container-Runtime", "ContainerRuntime Version reported by the node through runtime "
                    + "remote API (e.g. containerd://1.4.2).").wide());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode node, Instant now) {
        List<String> status = new ArrayList<>();
        for (JsonNode c : CellFormat.list(node, "status", "conditions")) {
            if ("Ready".equals(text(c, "type"))) {
                status.clear(); // the last Ready condition wins, as upstream's condition map
                status.add("True".equals(text(c, "status")) ? "Ready" : "NotReady");
            }
        }
        if (status.isEmpty()) {
            status.add("Unknown");
        }
        if (CellFormat.bool(node, "spec", "unschedulable")) {
            status.add("SchedulingDisabled");
        }
        String roles = String.join(",", roles(at(node, "metadata", "labels")));
        JsonNode info = at(node, "status", "nodeInfo");
        return List.of(text(node, "metadata", "name"), String.join(",", status),
                roles.isEmpty() ? CellFormat.NONE : roles, CellFormat.age(node, now), text(info, "kubeletVersion"),
                address(node, "InternalIP"), address(node, "ExternalIP"),
                CellFormat.textOr(CellFormat.UNKNOWN, info, "osImage"),
                CellFormat.textOr(CellFormat.UNKNOWN, info, "kernelVersion"),
                CellFormat.textOr(CellFormat.UNKNOWN, info, "containerRuntimeVersion"));
    }

    static TreeSet<String> roles(JsonNode labels) {
        TreeSet<String> roles = new TreeSet<>();
        if (labels == null || !labels.isObject()) {
            return roles;
        }
        Iterator<Map.Entry<String, JsonNode>> it = labels.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (k.startsWith(ROLE_LABEL_PREFIX)) {
                String role = k.substring(ROLE_LABEL_PREFIX.length());
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            } else if (k.equals(ROLE_LABEL) && !e.getValue().asText().isEmpty()) {
                roles.add(e.getValue().asText());
            }
        }
        return roles;
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode a : CellFormat.list(node, "status", "addresses")) {
            if (type.equals(text(a, "type"))) {
                return text(a, "address");
            }
        }
        return CellFormat.NONE;
    }
}
