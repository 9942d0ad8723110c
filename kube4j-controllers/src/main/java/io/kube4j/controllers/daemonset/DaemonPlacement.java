package io.kube4j.controllers.daemonset;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which nodes a DaemonSet's pod belongs on, as plain functions (upstream's NodeShouldRunDaemonPod and the daemon
 * pod tolerations): the template's nodeName, nodeSelector and required node affinity must match the node, and its
 * tolerations (plus the ones every daemon pod gets) must tolerate the node's NoSchedule and NoExecute taints to
 * start a pod; only NoExecute taints evict a running one. Stateless and thread-safe.
 */
public final class DaemonPlacement {
    private DaemonPlacement() {
    }

    /** Whether a pod should start on the node, and whether one already there may keep running. */
    public record Decision(boolean shouldRun, boolean shouldContinueRunning) {
    }

    /** The tolerations upstream adds to every daemon pod, so node conditions do not evict it. */
    public static List<Toleration> defaultTolerations(PodSpec spec) {
        List<Toleration> out = new ArrayList<>();
        out.add(exists("node.kubernetes.io/not-ready", "NoExecute"));
        out.add(exists("node.kubernetes.io/unreachable", "NoExecute"));
        out.add(exists("node.kubernetes.io/disk-pressure", "NoSchedule"));
        out.add(exists("node.kubernetes.io/memory-pressure", "NoSchedule"));
        out.add(exists("node.kubernetes.io/pid-pressure", "NoSchedule"));
        out.add(exists("node.kubernetes.io/unschedulable", "NoSchedule"));
        if (Boolean.TRUE.equals(spec.getHostNetwork())) {
            out.add(exists("node.kubernetes.io/network-unavailable", "NoSchedule"));
        }
        return out;
    }

    private static Toleration exists(String key, String effect) {
        return new TolerationBuilder().withKey(key).withOperator("Exists").withEffect(effect).build();
    }

    /** The template's tolerations with the defaults added (a default replaces one with the same key and effect). */
    public static List<Toleration> withDefaultTolerations(PodSpec spec) {
        List<Toleration> out = new ArrayList<>(spec.getTolerations() == null ? List.of() : spec.getTolerations());
        for (Toleration d : defaultTolerations(spec)) {
            out.removeIf(t -> d.getKey().equals(t.getKey()) && d.getEffect().equals(t.getEffect()));
            out.add(d);
        }
        return out;
    }

    public static Decision decide(PodSpec template, Node node) {
        String name = node.getMetadata().getName();
        if (template.getNodeName() != null && !template.getNodeName().isEmpty() && !template.getNodeName().equals(name)) {
            return new Decision(false, false);
        }
        if (!matchesNodeSelector(template, node) || !matchesRequiredAffinity(template.getAffinity(), node)) {
            return new Decision(false, false);
        }
        List<Toleration> tolerations = withDefaultTolerations(template);
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        boolean noExecuteOk = taints.stream().filter(t -> "NoExecute".equals(t.getEffect()))
                .allMatch(t -> tolerated(t, tolerations));
        boolean noScheduleOk = taints.stream().filter(t -> "NoSchedule".equals(t.getEffect()))
                .allMatch(t -> tolerated(t, tolerations));
        return new Decision(noExecuteOk && noScheduleOk, noExecuteOk);
    }

    static boolean tolerated(Taint taint, List<Toleration> tolerations) {
        for (Toleration t : tolerations) {
            if (t.getEffect() != null && !t.getEffect().isEmpty() && !t.getEffect().equals(taint.getEffect())) {
                continue;
            }
            boolean exists = "Exists".equals(t.getOperator());
            if (t.getKey() == null || t.getKey().isEmpty()) {
                if (exists) {
                    return true;
                }
                continue;
            }
            if (!t.getKey().equals(taint.getKey())) {
                continue;
            }
            if (exists || String.valueOf(t.getValue() == null ? "" : t.getValue())
                    .equals(taint.getValue() == null ? "" : taint.getValue())) {
                return true;
            }
        }
        return false;
    }

    static boolean matchesNodeSelector(PodSpec spec, Node node) {
        Map<String, String> sel = spec.getNodeSelector();
        if (sel == null || sel.isEmpty()) {
            return true;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        return sel.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    static boolean matchesRequiredAffinity(Affinity affinity, Node node) {
        NodeAffinity na = affinity == null ? null : affinity.getNodeAffinity();
        NodeSelector required = na == null ? null : na.getRequiredDuringSchedulingIgnoredDuringExecution();
        if (required == null || required.getNodeSelectorTerms() == null) {
            return true;
        }
        // terms are ORed; an empty term matches nothing
        for (NodeSelectorTerm term : required.getNodeSelectorTerms()) {
            boolean hasAny = (term.getMatchExpressions() != null && !term.getMatchExpressions().isEmpty())
                    || (term.getMatchFields() != null && !term.getMatchFields().isEmpty());
            if (!hasAny) {
                continue;
            }
            Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
            boolean all = true;
            for (NodeSelectorRequirement r : term.getMatchExpressions() == null ? List.<NodeSelectorRequirement>of()
                    : term.getMatchExpressions()) {
                all &= matches(r, labels.get(r.getKey()), labels.containsKey(r.getKey()));
            }
            for (NodeSelectorRequirement r : term.getMatchFields() == null ? List.<NodeSelectorRequirement>of()
                    : term.getMatchFields()) {
                boolean known = "metadata.name".equals(r.getKey());
                all &= known && matches(r, node.getMetadata().getName(), true);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(NodeSelectorRequirement r, String value, boolean present) {
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> present && values.contains(value);
            case "NotIn" -> !present || !values.contains(value);
            case "Exists" -> present;
            case "DoesNotExist" -> !present;
            case "Gt", "Lt" -> {
                if (!present || values.size() != 1) {
                    yield false;
                }
                try {
                    long have = Long.parseLong(value);
                    long want = Long.parseLong(values.get(0));
                    yield "Gt".equals(r.getOperator()) ? have > want : have < want;
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    /**
     * Pins a daemon pod to its node as upstream does: the required node affinity becomes the single term
     * {@code metadata.name In [node]} (preferred terms and other affinities stay).
     */
    public static void pinToNode(PodSpec spec, String nodeName) {
        NodeSelectorTerm term = new NodeSelectorTermBuilder().withMatchFields(new NodeSelectorRequirementBuilder()
                .withKey("metadata.name").withOperator("In").withValues(nodeName).build()).build();
        Affinity affinity = spec.getAffinity() == null ? new Affinity() : spec.getAffinity();
        NodeAffinity na = affinity.getNodeAffinity() == null ? new NodeAffinity() : affinity.getNodeAffinity();
        na.setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector(new ArrayList<>(List.of(term))));
        affinity.setNodeAffinity(na);
        spec.setAffinity(affinity);
    }

    /** The node a daemon pod is for: spec.nodeName, else the single name of its metadata.name affinity term. */
    public static String targetNode(Pod pod) {
        PodSpec spec = pod.getSpec();
        if (spec.getNodeName() != null && !spec.getNodeName().isEmpty()) {
            return spec.getNodeName();
        }
        Affinity a = spec.getAffinity();
        if (a == null || a.getNodeAffinity() == null
                || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
            return null;
        }
        for (NodeSelectorTerm t : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms()) {
            for (NodeSelectorRequirement r : t.getMatchFields() == null ? List.<NodeSelectorRequirement>of()
                    : t.getMatchFields()) {
                if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()) && r.getValues() != null
                        && r.getValues().size() == 1) {
                    return r.getValues().get(0);
                }
            }
        }
        return null;
    }
}
