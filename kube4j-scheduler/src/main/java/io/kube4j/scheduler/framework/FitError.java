package io.kube4j.scheduler.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why a pod fits no node: the rejection of every node (or of the pod by a pre-filter) and what the post-filter
 * (preemption) found. {@link #message()} is upstream's FitError text, word for word:
 * {@code 0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.
 * preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.}
 */
public record FitError(int numAllNodes, Map<String, Status> nodeStatuses, String preFilterMsg, String postFilterMsg) {
    public String message() {
        StringBuilder b = new StringBuilder("0/").append(numAllNodes).append(" nodes are available:");
        if (preFilterMsg != null && !preFilterMsg.isEmpty()) {
            b.append(' ').append(preFilterMsg).append('.');
        } else {
            List<String> histogram = histogram(nodeStatuses);
            if (!histogram.isEmpty()) {
                b.append(' ').append(String.join(", ", histogram)).append('.');
            }
        }
        if (postFilterMsg != null && !postFilterMsg.isEmpty()) {
            b.append(' ').append(postFilterMsg);
        }
        return b.toString();
    }

    /** "count reason" for each distinct reason over all nodes, sorted as strings (as upstream sorts them). */
    static List<String> histogram(Map<String, Status> statuses) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Status s : statuses.values()) {
            for (String r : s.reasons()) {
                counts.merge(r, 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        counts.forEach((r, n) -> out.add(n + " " + r));
        out.sort(null);
        return out;
    }
}
