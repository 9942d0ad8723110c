package io.kube4j.scheduler.framework.plugins.nodeaffinity;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FilterPlugin;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.PreFilterPlugin;
import io.kube4j.scheduler.framework.ScorePlugin;
import io.kube4j.scheduler.framework.Status;

import java.util.List;
import java.util.Map;

/**
 * Filter: the node must match the pod's {@code nodeSelector} and required node affinity. Score: the sum of the
 * weights of the preferred terms the node matches, scaled to 0..100. Stateless, thread-safe.
 */
public final class NodeAffinity implements PreFilterPlugin, FilterPlugin, ScorePlugin {
    public static final String NAME = "NodeAffinity";
    public static final String ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
    private static final String STATE_KEY = "PreFilter" + NAME;

    /** The pod's node requirements, read once per cycle. */
    record Required(Map<String, String> nodeSelector, List<NodeSelectorTerm> terms) {
        boolean matches(Node node) {
            if (!nodeSelector.isEmpty()) {
                Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of()
                        : node.getMetadata().getLabels();
                for (Map.Entry<String, String> e : nodeSelector.entrySet()) {
                    if (!e.getValue().equals(labels.get(e.getKey()))) {
                        return false;
                    }
                }
            }
            return terms == null || NodeSelectorTerms.anyMatches(terms, node);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    static Required required(Pod pod) {
        var spec = pod.getSpec();
        Map<String, String> selector = spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
        List<NodeSelectorTerm> terms = null;
        var a = spec.getAffinity();
        if (a != null && a.getNodeAffinity() != null
                && a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
            List<NodeSelectorTerm> t = a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                    .getNodeSelectorTerms();
            terms = t == null ? List.of() : t;
        }
        return new Required(selector, terms);
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod) {
        Required r = required(pod.pod());
        state.write(STATE_KEY, r);
        return r.nodeSelector().isEmpty() && r.terms() == null ? Status.SKIP : Status.SUCCESS;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
        Required r = state.read(STATE_KEY, Required.class);
        if (r == null) {
            r = required(pod.pod());
        }
        return r.matches(node.node()) ? Status.SUCCESS : Status.unresolvable(ERR_REASON_POD);
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo node) {
        var a = pod.pod().getSpec().getAffinity();
        if (a == null || a.getNodeAffinity() == null
                || a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution() == null) {
            return 0;
        }
        long sum = 0;
        for (PreferredSchedulingTerm t : a.getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()) {
            if (t.getWeight() != null && t.getWeight() != 0 && t.getPreference() != null
                    && NodeSelectorTerms.matches(t.getPreference(), node.node())) {
                sum += t.getWeight();
            }
        }
        return sum;
    }

    @Override
    public void normalize(CycleState state, PodInfo pod, long[] scores) {
        ScorePlugin.defaultNormalize(scores, false);
    }
}
