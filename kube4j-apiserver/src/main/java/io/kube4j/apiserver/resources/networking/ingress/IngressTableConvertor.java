package io.kube4j.apiserver.resources.networking.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.resources.core.service.ServiceTableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * Ingress rows: CLASS, HOSTS (first three, "*" when none), ADDRESS (load balancer ingress), PORTS
 * ("80" or "80, 443" with TLS). Stateless and thread-safe.
 */
public final class IngressTableConvertor implements TableConvertor {
    private static final int MAX_HOSTS = 3;
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Class"),
            Column.string("Hosts"),
            Column.string("Address"),
            Column.string("Ports"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode ing, Instant now) {
        JsonNode spec = at(ing, "spec");
        return List.of(text(ing, "metadata", "name"), CellFormat.textOr(CellFormat.NONE, spec, "ingressClassName"),
                hosts(CellFormat.list(spec, "rules")),
                ServiceTableConvertor.loadBalancerIngress(at(ing, "status", "loadBalancer")),
                CellFormat.size(spec, "tls") != 0 ? "80, 443" : "80", CellFormat.age(ing, now));
    }

    static String hosts(List<JsonNode> rules) {
        List<String> list = new ArrayList<>();
        boolean more = false;
        for (JsonNode rule : rules) {
            if (list.size() == MAX_HOSTS) {
                more = true;
            }
            String host = text(rule, "host");
            if (!more && !host.isEmpty()) {
                list.add(host);
            }
        }
        if (list.isEmpty()) {
            return "*";
        }
        String ret = String.join(",", list);
        return more ? ret + " + " + (rules.size() - MAX_HOSTS) + " more..." : ret;
    }
}
