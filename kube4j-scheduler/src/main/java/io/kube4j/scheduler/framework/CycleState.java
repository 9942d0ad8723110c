package io.kube4j.scheduler.framework;

import java.util.HashMap;
import java.util.Map;

/**
 * What plugins share during one pod's scheduling cycle, keyed by plugin-chosen names (upstream's CycleState).
 * Written on the scheduling thread by pre-filters, read by filters and scores; read-only once binding starts.
 */
public final class CycleState {
    private final Map<String, Object> data = new HashMap<>();

    public void write(String key, Object value) {
        data.put(key, value);
    }

    public <T> T read(String key, Class<T> type) {
        return type.cast(data.get(key));
    }
}
