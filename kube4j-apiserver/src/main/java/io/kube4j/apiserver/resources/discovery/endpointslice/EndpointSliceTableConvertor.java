package io.kube4j.apiserver.resources.discovery.endpointslice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * EndpointSlice rows: ADDRESSTYPE, PORTS and ENDPOINTS (first three, "+ N more...", {@code <unset>}
 * when empty). Stateless and thread-safe.
 */
public final class EndpointSliceTableConvertor implements TableConvertor {
    private static final int MAX = 3;
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("AddressType"),
            Column.string("Ports"),
            Column.string("Endpoints"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode slice, Instant now) {
        return List.of(text(slice, "metadata", "name"), text(slice, "addressType"), ports(slice),
                endpoints(slice), CellFormat.age(slice, now));
    }

    static String ports(JsonNode slice) {
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode p : CellFormat.list(slice, "ports")) {
            if (list.size() < MAX) {
                String port = "*";
                if (at(p, "port") != null) {
                    port = Long.toString(CellFormat.integer(p, "port"));
                } else if (at(p, "name") != null) {
                    port = text(p, "name");
                }
                list.add(port);
            } else if (list.size() == MAX) {
                more = true;
            }
            count++;
        }
        return CellFormat.listWithMore(list, more, count, MAX);
    }

    static String endpoints(JsonNode slice) {
        List<String> list = new ArrayList<>();
        boolean more = false;
        int count = 0;
        for (JsonNode ep : CellFormat.list(slice, "endpoints")) {
            for (JsonNode address : CellFormat.list(ep, "addresses")) {
                if (list.size() < MAX) {
                    list.add(address.asText());
                } else if (list.size() == MAX) {
                    more = true;
                }
                count++;
            }
        }
        return CellFormat.listWithMore(list, more, count, MAX);
    }
}
