package io.kube4j.apiserver.resources.events.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.VersionConverter;

import java.util.List;

/**
 * events.k8s.io/v1 Events are stored as core/v1 Events: the same object under other field names
 * ({@code regarding} is {@code involvedObject}, {@code note} is {@code message}, the
 * {@code deprecated*} fields are the core ones).
 */
public final class EventsV1Converter implements VersionConverter {
    /** Field pairs: events.k8s.io/v1 name, core/v1 name. */
    private static final List<String[]> RENAMES = List.of(
            new String[]{"regarding", "involvedObject"},
            new String[]{"note", "message"},
            new String[]{"reportingController", "reportingComponent"},
            new String[]{"deprecatedSource", "source"},
            new String[]{"deprecatedFirstTimestamp", "firstTimestamp"},
            new String[]{"deprecatedLastTimestamp", "lastTimestamp"},
            new String[]{"deprecatedCount", "count"});
    private static final List<String> SAME = List.of("metadata", "reason", "type", "eventTime", "series", "related",
            "action", "reportingInstance");

    @Override
    public ObjectNode toStorage(ObjectNode served) {
        ObjectNode out = Json.object();
        out.put("apiVersion", "v1");
        out.put("kind", "Event");
        copy(served, out, SAME);
        for (String[] r : RENAMES) {
            JsonNode v = served.get(r[0]);
            if (v != null && !v.isNull()) {
                out.set(r[1], v.deepCopy());
            }
        }
        return out;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        ObjectNode out = Json.object();
        out.put("apiVersion", "events.k8s.io/v1");
        out.put("kind", "Event");
        copy(stored, out, SAME);
        for (String[] r : RENAMES) {
            JsonNode v = stored.get(r[1]);
            if (v != null && !v.isNull()) {
                out.set(r[0], v.deepCopy());
            }
        }
        return out;
    }

    private static void copy(ObjectNode from, ObjectNode to, List<String> fields) {
        for (String f : fields) {
            JsonNode v = from.get(f);
            if (v != null && !v.isNull()) {
                to.set(f, v.deepCopy());
            }
        }
    }
}
