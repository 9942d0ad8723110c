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
            Column.string("AddressType", "addressType specifies the type of address carried by this "
                    + "EndpointSlice. All addresses in this slice must be the same type. This field is immutable "
                    + "after creation. The following address types are currently supported: * IPv4: Represents an "
                    + "IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified "
                    + "Domain Name."),
            Column.string("Ports", "ports specifies the list of network ports exposed by each endpoint in this "
                    + "slice. Each port must have a unique name. When ports is empty, it indicates that there are "
                    + "no defined ports. When a port is defined with a nil port value, it indicates \"all ports\". "
                    + "Each slice may include a maximum of 100 ports."),
            Column.string("Endpoints", "endpoints is a list of unique endpoints in this slice. Each slice may "
                    + "include a maximum of 1000 endpoints."),
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
