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

    @Test
    void pullDurationsPrintAsGoDoesAfterTruncatingToMilliseconds() {
        assertThat(PodSyncer.goDuration(Duration.ofNanos(400_000))).isEqualTo("0s");
        assertThat(PodSyncer.goDuration(Duration.ofNanos(14_900_000))).isEqualTo("14ms");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(1000))).isEqualTo("1s");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(1210))).isEqualTo("1.21s");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(27_880))).isEqualTo("27.88s");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(4_522))).isEqualTo("4.522s");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(65_002))).isEqualTo("1m5.002s");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(120_000))).isEqualTo("2m0s");
        assertThat(PodSyncer.goDuration(Duration.ofMillis(3_600_000))).isEqualTo("1h0m0s");
    }
}
