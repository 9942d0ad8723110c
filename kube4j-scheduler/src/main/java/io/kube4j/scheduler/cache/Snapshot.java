package io.kube4j.scheduler.cache;

import io.kube4j.scheduler.framework.NodeInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes as one scheduling cycle sees them: copies of the cache's node infos that nothing changes during the
 * cycle. {@link SchedulerCache#updateSnapshot} refreshes only the nodes that changed since the last cycle.
 * Used by the scheduling thread only.
 */
public final class Snapshot {
    final Map<String, NodeInfo> byName = new HashMap<>();
    final List<NodeInfo> list = new ArrayList<>();
    final Map<String, Integer> index = new HashMap<>();
    long generation = -1;
    long nodeSetVersion = -1;

    /** The nodes with a Node object, in a stable order. */
    public List<NodeInfo> nodes() {
        return list;
    }

    public NodeInfo get(String name) {
        return byName.get(name);
    }

    public int numNodes() {
        return list.size();
    }
}
