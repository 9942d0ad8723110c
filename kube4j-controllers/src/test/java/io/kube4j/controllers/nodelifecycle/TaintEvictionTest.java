package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TaintEvictionTest {
    static final Instant NOW = Instant.parse("2025-01-01T00:01:00Z");
    static final Taint UNREACHABLE = new Taint("NoExecute", NodeTaints.UNREACHABLE, "2025-01-01T00:00:50Z", null);

    static Toleration tol(String key, String operator, String effect, Long seconds) {
        return new Toleration(effect, key, operator, seconds, null);
    }

    @Test
    void untoleratedNoExecuteTaintEvictsAtOnce() {
        assertThat(TaintEviction.evictionTime(List.of(UNREACHABLE), List.of(), NOW)).contains(NOW);
        assertThat(TaintEviction.evictionTime(List.of(UNREACHABLE),
                List.of(tol(NodeTaints.NOT_READY, "Exists", "NoExecute", 300L)), NOW)).contains(NOW);
    }

    @Test
    void tolerationSecondsCountFromTheTaintsTimeAdded() {
        assertThat(TaintEviction.evictionTime(List.of(UNREACHABLE),
                List.of(tol(NodeTaints.UNREACHABLE, "Exists", "NoExecute", 5L)), NOW))
                .contains(Instant.parse("2025-01-01T00:00:55Z"));
        assertThat(TaintEviction.evictionTime(List.of(UNREACHABLE),
                List.of(tol(NodeTaints.UNREACHABLE, "Exists", "NoExecute", 300L)), NOW))
                .contains(Instant.parse("2025-01-01T00:05:50Z"));
    }

    @Test
    void toleratingForeverOrNoSuchTaintKeepsThePod() {
        assertThat(TaintEviction.evictionTime(List.of(UNREACHABLE),
                List.of(tol(NodeTaints.UNREACHABLE, "Exists", "NoExecute", null)), NOW)).isEqualTo(Optional.empty());
        assertThat(TaintEviction.evictionTime(List.of(UNREACHABLE), List.of(tol("", "Exists", "", null)), NOW))
                .isEmpty();
        assertThat(TaintEviction.evictionTime(List.of(new Taint("NoSchedule", NodeTaints.UNREACHABLE, null, null)),
                List.of(), NOW)).isEmpty();
    }

    @Test
    void tolerationMatchingFollowsUpstream() {
        Taint t = new Taint("NoExecute", "k", null, "v");
        assertThat(TaintEviction.tolerates(tol("k", "Equal", "NoExecute", null), t)).isFalse(); // value differs
        assertThat(TaintEviction.tolerates(new Toleration("NoExecute", "k", "Equal", null, "v"), t)).isTrue();
        assertThat(TaintEviction.tolerates(new Toleration(null, "k", null, null, "v"), t)).isTrue();
        assertThat(TaintEviction.tolerates(tol("k", "Exists", "NoSchedule", null), t)).isFalse();
        assertThat(TaintEviction.tolerates(tol("", "Equal", null, null), t)).isFalse();
    }
}
