package io.kube4j.node.kubelet.pod;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PodSyncerTest {

    @Test
    void stopTimeoutIsTheWholeGracePeriodWithoutAHook() {
        assertThat(PodSyncer.stopTimeoutSeconds(3, Duration.ZERO)).isEqualTo(3);
        assertThat(PodSyncer.stopTimeoutSeconds(30, Duration.ZERO)).isEqualTo(30);
    }

    @Test
    void stopTimeoutLosesTheWholeSecondsThePreStopHookTook() {
        assertThat(PodSyncer.stopTimeoutSeconds(30, Duration.ofMillis(4_020))).isEqualTo(26);
        assertThat(PodSyncer.stopTimeoutSeconds(30, Duration.ofMillis(999))).isEqualTo(30);
    }

    @Test
    void stopTimeoutNeverDropsUnderTwoSecondsUnlessNoGraceWasGiven() {
        assertThat(PodSyncer.stopTimeoutSeconds(5, Duration.ofSeconds(5))).isEqualTo(2);
        assertThat(PodSyncer.stopTimeoutSeconds(1, Duration.ZERO)).isEqualTo(2);
        assertThat(PodSyncer.stopTimeoutSeconds(0, Duration.ZERO)).isZero();
    }
}
