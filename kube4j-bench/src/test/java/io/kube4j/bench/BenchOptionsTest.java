package io.kube4j.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Option parsing of the scheduler scenario. */
class BenchOptionsTest {

    @Test
    void schedulerBacklogRunsByDefaultAndCanBeTurnedOff() {
        assertThat(BenchOptions.parse(new String[]{"scheduler"}).schedBacklog()).isTrue();
        assertThat(BenchOptions.parse(new String[]{"scheduler", "--sched-backlog"}).schedBacklog()).isTrue();
        assertThat(BenchOptions.parse(new String[]{"scheduler", "--sched-backlog=false"}).schedBacklog()).isFalse();
    }

    @Test
    void theOverlappedRunCanBeLeftOutButNotBothRuns() {
        BenchOptions o = BenchOptions.parse(new String[]{"--sched-overlapped=false"});
        assertThat(o.schedOverlapped()).isFalse();
        assertThat(o.schedBacklog()).isTrue();
        assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--sched-overlapped=false", "--sched-backlog=false"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to run");
    }

    @Test
    void aMisspeltBacklogValueIsRefusedRatherThanReadAsFalse() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[]{"--sched-backlog=yes"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sched-backlog");
    }
}
