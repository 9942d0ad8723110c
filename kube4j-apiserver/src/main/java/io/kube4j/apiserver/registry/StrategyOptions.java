package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.function.Function;

/**
 * A {@link Strategy} configured by values, for resources whose rules are only these switches:
 * whether status is a subresource, whether generation is tracked, the name rule, and the
 * selectable fields.
 */
public record StrategyOptions(boolean statusSubresource, boolean generation, Strategy.NameRule nameRule,
                              Function<ObjectNode, Map<String, String>> fields) implements Strategy {
    public static StrategyOptions plain() {
        return new StrategyOptions(false, false, NameRule.DNS1123_SUBDOMAIN, o -> Map.of());
    }

    /** A resource with spec and status: status subresource and generation tracking. */
    public static StrategyOptions specAndStatus() {
        return new StrategyOptions(true, true, NameRule.DNS1123_SUBDOMAIN, o -> Map.of());
    }

    public StrategyOptions withNameRule(NameRule rule) {
        return new StrategyOptions(statusSubresource, generation, rule, fields);
    }

    public StrategyOptions withFields(Function<ObjectNode, Map<String, String>> f) {
        return new StrategyOptions(statusSubresource, generation, nameRule, f);
    }

    @Override
    public boolean hasStatusSubresource() {
        return statusSubresource;
    }

    @Override
    public boolean tracksGeneration() {
        return generation;
    }

    @Override
    public void prepareForCreate(ObjectNode obj) {
        if (statusSubresource) {
            obj.remove("status");
        }
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode obj) {
        return fields.apply(obj);
    }
}
