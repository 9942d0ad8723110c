package io.kube4j.scheduler.framework.plugins.nodeaffinity;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;

import java.util.List;
import java.util.Map;

/**
 * Matching of node selector terms against a node, as upstream's nodeaffinity helpers: terms are ORed, the
 * requirements of one term ANDed; a term with no requirements matches nothing. Label requirements support In,
 * NotIn, Exists, DoesNotExist, Gt and Lt; field requirements only {@code metadata.name} with In and NotIn. Pure.
 */
public final class NodeSelectorTerms {
    private NodeSelectorTerms() {
    }

    public static boolean anyMatches(List<NodeSelectorTerm> terms, Node node) {
        for (NodeSelectorTerm t : terms) {
            if (matches(t, node)) {
                return true;
            }
        }
        return false;
    }

    public static boolean matches(NodeSelectorTerm term, Node node) {
        List<NodeSelectorRequirement> exprs = term.getMatchExpressions() == null ? List.of() : term.getMatchExpressions();
        List<NodeSelectorRequirement> fields = term.getMatchFields() == null ? List.of() : term.getMatchFields();
        if (exprs.isEmpty() && fields.isEmpty()) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        for (NodeSelectorRequirement r : exprs) {
            if (!matchesLabel(r, labels)) {
                return false;
            }
        }
        for (NodeSelectorRequirement r : fields) {
            if (!matchesField(r, node)) {
                return false;
            }
        }
        return true;
    }

    static boolean matchesLabel(NodeSelectorRequirement r, Map<String, String> labels) {
        String value = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        return switch (r.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            case "Gt", "Lt" -> {
                if (value == null || values.size() != 1) {
                    yield false;
                }
                try {
                    long have = Long.parseLong(value);
                    long bound = Long.parseLong(values.getFirst());
                    yield r.getOperator().equals("Gt") ? have > bound : have < bound;
                } catch (NumberFormatException e) {
                    yield false;
                }
            }
            default -> false;
        };
    }

    static boolean matchesField(NodeSelectorRequirement r, Node node) {
        if (!"metadata.name".equals(r.getKey())) {
            return false;
        }
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        String name = node.getMetadata().getName();
        return switch (r.getOperator()) {
            // a field selector names one node at most
            case "In" -> values.size() == 1 && values.contains(name);
            case "NotIn" -> values.size() == 1 && !values.contains(name);
            default -> false;
        };
    }
}
