package io.kube4j.node.proxy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The complete content of kube-proxy's nftables table, as values, and the {@code nft -f} transaction that installs
 * it. Built by {@link RulesetBuilder}; applied by {@link KubeProxy}. Immutable; thread-safe.
 *
 * @param table the table name (family {@code ip})
 * @param chains every chain, base chains first; each rule is one line of nft syntax
 * @param sets every set and map
 * @param elements set and map elements
 */
public record NftRuleset(String table, List<Chain> chains, List<NftSet> sets, List<Element> elements) {

    /**
     * A chain.
     *
     * @param name its name
     * @param base for a base chain its hook spec ({@code type nat hook output priority -100; policy accept;}), else null
     * @param rules its rules, in order
     */
    public record Chain(String name, String base, List<String> rules) {
        public Chain {
            Objects.requireNonNull(name, "name");
            rules = List.copyOf(rules);
        }
    }

    /**
     * A set or map.
     *
     * @param kind {@code set} or {@code map}
     * @param name its name
     * @param spec its declaration body, e.g. {@code type ipv4_addr; flags dynamic,timeout; timeout 10800s;}
     * @param keep whether the set keeps its elements across syncs (affinity sets: the kernel adds them)
     */
    public record NftSet(String kind, String name, String spec, boolean keep) {
        public NftSet {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
        }
    }

    /** One element of set or map {@code set}, in nft syntax ({@code 10.43.0.5 . tcp . 80 : goto service-...}). */
    public record Element(String set, String value) {
        public Element {
            Objects.requireNonNull(set, "set");
            Objects.requireNonNull(value, "value");
        }
    }

    public NftRuleset {
        Objects.requireNonNull(table, "table");
        chains = List.copyOf(chains);
        sets = List.copyOf(sets);
        elements = List.copyOf(elements);
    }

    public Chain chain(String name) {
        return chains.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    /** The elements of one set or map. */
    public List<String> elementsOf(String set) {
        return elements.stream().filter(e -> e.set().equals(set)).map(Element::value).toList();
    }

    /**
     * The {@code nft -f -} input that makes the table equal to this ruleset in one atomic transaction.
     *
     * @param previous what the last successful transaction installed, or null to recreate the table from nothing
     *     (first sync, or after a failure): then the table is deleted first. Otherwise every chain, set and map is
     *     flushed and filled again (affinity sets keep their elements, so clients stay on their endpoint) and what
     *     {@code previous} had that this ruleset lacks is deleted.
     */
    public String script(NftRuleset previous) {
        String t = "ip " + table;
        StringBuilder s = new StringBuilder();
        s.append("add table ").append(t).append('\n');
        if (previous == null) {
            s.append("delete table ").append(t).append('\n');
            s.append("add table ").append(t).append('\n');
        }
        for (Chain c : chains) {
            s.append("add chain ").append(t).append(' ').append(c.name());
            if (c.base() != null) {
                s.append(" { ").append(c.base()).append(" }");
            }
            s.append('\n');
            if (previous != null) {
                s.append("flush chain ").append(t).append(' ').append(c.name()).append('\n');
            }
        }
        Set<String> chainNames = new HashSet<>();
        chains.forEach(c -> chainNames.add(c.name()));
        Set<String> setNames = new HashSet<>();
        sets.forEach(x -> setNames.add(x.name()));
        // Stale chains lose their rules before anything is deleted: they may jump to each other or use stale sets.
        List<String> staleChains = new ArrayList<>();
        List<NftSet> staleSets = new ArrayList<>();
        if (previous != null) {
            previous.chains().stream().map(Chain::name).filter(n -> !chainNames.contains(n)).forEach(staleChains::add);
            previous.sets().stream().filter(x -> !setNames.contains(x.name())).forEach(staleSets::add);
            staleChains.forEach(n -> s.append("flush chain ").append(t).append(' ').append(n).append('\n'));
        }
        for (NftSet x : sets) {
            s.append("add ").append(x.kind()).append(' ').append(t).append(' ').append(x.name())
                    .append(" { ").append(x.spec()).append(" }\n");
            if (previous != null && !x.keep()) {
                s.append("flush ").append(x.kind()).append(' ').append(t).append(' ').append(x.name()).append('\n');
            }
        }
        for (Chain c : chains) {
            for (String r : c.rules()) {
                s.append("add rule ").append(t).append(' ').append(c.name()).append(' ').append(r).append('\n');
            }
        }
        for (NftSet x : sets) {
            List<String> values = elementsOf(x.name());
            if (!values.isEmpty()) {
                s.append("add element ").append(t).append(' ').append(x.name()).append(" { ")
                        .append(String.join(", ", values)).append(" }\n");
            }
        }
        staleSets.forEach(x -> s.append("delete ").append(x.kind()).append(' ').append(t).append(' ')
                .append(x.name()).append('\n'));
        staleChains.forEach(n -> s.append("delete chain ").append(t).append(' ').append(n).append('\n'));
        return s.toString();
    }
}
