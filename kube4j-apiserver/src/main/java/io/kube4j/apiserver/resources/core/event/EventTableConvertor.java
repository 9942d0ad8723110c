package io.kube4j.apiserver.resources.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * core/v1 Event rows: LAST SEEN, TYPE, REASON, OBJECT ({@code kind/name}), MESSAGE; wide:
 * SUBOBJECT, SOURCE, FIRST SEEN, COUNT, NAME. Falls back to eventTime and series the way
 * upstream does for events written through events.k8s.io. Stateless and thread-safe.
 */
public final class EventTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.string("Last Seen"),
            Column.string("Type"),
            Column.string("Reason"),
            Column.string("Object"),
            Column.string("Subobject").wide(),
            Column.string("Source").wide(),
            Column.string("Message"),
            Column.string("First Seen").wide(),
            Column.string("Count").wide(),
            new Column("Name", "string", "name", Column.nameColumn().description(), 1));

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode ev, Instant now) {
        JsonNode first = at(ev, "firstTimestamp");
        String firstSeen = CellFormat.instant(first) != null ? CellFormat.since(first, now)
                : CellFormat.since(at(ev, "eventTime"), now);
        JsonNode last = at(ev, "lastTimestamp");
        String lastSeen = CellFormat.instant(last) != null ? CellFormat.since(last, now) : firstSeen;
        long count = CellFormat.integer(ev, "count");
        JsonNode series = at(ev, "series");
        if (series != null) {
            lastSeen = CellFormat.since(at(series, "lastObservedTime"), now);
            count = CellFormat.integer(series, "count");
        } else if (count == 0) {
            // singleton events written through events.k8s.io carry no count
            count = 1;
        }
        String kind = text(ev, "involvedObject", "kind").toLowerCase(Locale.ROOT);
        String name = text(ev, "involvedObject", "name");
        String target = name.isEmpty() ? kind : kind + "/" + name;
        return List.of(lastSeen, text(ev, "type"), text(ev, "reason"), target,
                text(ev, "involvedObject", "fieldPath"), source(ev), text(ev, "message").strip(), firstSeen, count,
                text(ev, "metadata", "name"));
    }

    private static String source(JsonNode ev) {
        String component = firstNonEmpty(text(ev, "source", "component"), text(ev, "reportingComponent"));
        String instance = firstNonEmpty(text(ev, "source", "host"), text(ev, "reportingInstance"));
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
