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

    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Status"),
            Column.string("Roles"),
            Column.ageColumn(),
            Column.string("Version"),
            Column.string("Internal-IP").wide(),
            Column.string("External-IP").wide(),
            Column.string("OS-Image").wide(),
            Column.string("Kernel-Version").wide(),
            Column.string("Container-Runtime").wide());

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
