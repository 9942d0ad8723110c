package io.kube4j.apiserver.resources.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.list;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * Endpoints rows: the first three {@code ip:port} pairs and "+ N more...". Stateless and
 * thread-safe.
 */
public final class EndpointsTableConvertor implements TableConvertor {
    private static final int MAX = 3;
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Endpoints"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode ep, Instant now) {
        return List.of(text(ep, "metadata", "name"), format(ep), CellFormat.age(ep, now));
    }

    static String format(JsonNode ep) {
        List<JsonNode> subsets = list(ep, "subsets");
        if (subsets.isEmpty()) {
            return CellFormat.NONE;
        }
        List<String> out = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode ss : subsets) {
            List<JsonNode> addresses = list(ss, "addresses");
            List<JsonNode> ports = list(ss, "ports");
            if (ports.isEmpty()) {
                // headless services may have no ports
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (out.size() == MAX) {
                        more = true;
                        break;
                    }
                    out.add(text(a, "ip"));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (out.size() == MAX) {
                        more = true;
                        break;
                    }
                    out.add(hostPort(text(a, "ip"), CellFormat.integer(port, "port")));
                }
            }
        }
        String ret = String.join(",", out);
        return more ? ret + " + " + (count - MAX) + " more..." : ret;
    }

    private static String hostPort(String ip, long port) {
        return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
    }
}
