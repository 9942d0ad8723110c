package io.kube4j.scheduler.framework;

import io.kube4j.scheduler.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class FrameworkTest {
    /** A pre-filter and filter that records its filter calls and answers with the given pre-filter status. */
    static final class Probe implements PreFilterPlugin, FilterPlugin {
        final String name;
        final Status pre;
        final Status verdict;
        final List<String> filtered = new ArrayList<>();

        Probe(String name, Status pre, Status verdict) {
            this.name = name;
            this.pre = pre;
            this.verdict = verdict;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Status preFilter(CycleState state, PodInfo pod) {
            return pre;
        }

        @Override
        public Status filter(CycleState state, PodInfo pod, NodeInfo node) {
            filtered.add(node.name());
            return verdict;
        }
    }

    static Framework framework(Probe... probes) {
        Map<String, Function<FrameworkHandle, Plugin>> registry = new LinkedHashMap<>();
        registry.put("PrioritySort", h -> new io.kube4j.scheduler.framework.plugins.queuesort.PrioritySort());
        List<String> names = new ArrayList<>();
        for (Probe p : probes) {
            registry.put(p.name, h -> p);
            names.add(p.name);
        }
        return new Framework(registry, new Profile("s", "PrioritySort", names, names, List.of(), Map.of(), List.of(),
                List.of(), List.of(), List.of()), null);
    }

    @Test
    void aFilterWhosePreFilterSkippedIsNotRunForThatPod() {
        Probe skipping = new Probe("Skipping", Status.SKIP, Status.unschedulable("never asked"));
        Probe running = new Probe("Running", Status.SUCCESS, Status.SUCCESS);
        Framework f = framework(skipping, running);
        CycleState state = new CycleState();
        PodInfo pod = new PodInfo(Fixtures.pod("p"));

        assertThat(f.runPreFilter(state, pod).isSuccess()).isTrue();
        assertThat(state.skipFilterPlugins()).containsExactly("Skipping");
        assertThat(f.runFilters(state, pod, NodeInfo.of(Fixtures.node("n1"))).isSuccess()).isTrue();
        assertThat(f.runFilters(state, pod, NodeInfo.of(Fixtures.node("n2"))).isSuccess()).isTrue();
        assertThat(skipping.filtered).isEmpty();
        assertThat(running.filtered).containsExactly("n1", "n2");
    }

    @Test
    void withoutAPreFilterRunEveryFilterRunsAndTheFirstRejectionWins() {
        Probe rejecting = new Probe("Rejecting", Status.SKIP, Status.unschedulable("no room"));
        Probe after = new Probe("After", Status.SUCCESS, Status.SUCCESS);
        Framework f = framework(rejecting, after);

        Status s = f.runFilters(new CycleState(), new PodInfo(Fixtures.pod("p")), NodeInfo.of(Fixtures.node("n")));
        assertThat(s.reasons()).containsExactly("no room");
        assertThat(s.plugin()).isEqualTo("Rejecting");
        assertThat(after.filtered).isEmpty();
    }
}
