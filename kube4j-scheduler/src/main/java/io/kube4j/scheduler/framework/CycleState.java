package io.kube4j.scheduler.framework;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What plugins share during one pod's scheduling cycle, keyed by plugin-chosen names (upstream's CycleState), and
 * the filter plugins whose pre-filter returned SKIP, which the framework then does not call for this pod.
 * Written on the scheduling thread by pre-filters, read by filters and scores; read-only once binding starts.
 */
public final class CycleState {
    private final Map<String, Object> data = new HashMap<>();
    private final Set<String> skipFilterPlugins = new HashSet<>();
    /** The filter plugins left after the skipped ones, computed once per cycle by the framework. */
    List<FilterPlugin> activeFilters;

    public void write(String key, Object value) {
        data.put(key, value);
    }

    public <T> T read(String key, Class<T> type) {
        return type.cast(data.get(key));
    }

    /** The plugins whose Filter is skipped for this pod (their PreFilter returned SKIP). */
    public Set<String> skipFilterPlugins() {
        return skipFilterPlugins;
    }

    void skipFilter(String plugin) {
        skipFilterPlugins.add(plugin);
        activeFilters = null;
    }
}
