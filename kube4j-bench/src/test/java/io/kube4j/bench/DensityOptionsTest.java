package io.kube4j.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The density scenario's JVM flags and the GC log lines it reads, for each collector it may run with. */
class DensityOptionsTest {
    @Test
    void densityJvmOptsDefaultToG1WithStringDeduplicationAndCanBeEmptied() {
        assertThat(BenchOptions.parse(new String[]{"density"}).densityJvmOpts())
                .containsExactly("-XX:+UseG1GC", "-XX:+UseStringDeduplication");
        assertThat(BenchOptions.parse(new String[]{"density", "--density-jvm-opts="}).densityJvmOpts()).isEmpty();
        assertThat(BenchOptions.parse(new String[]{"density", "--density-jvm-opts=-XX:+UseZGC -Xss1m"})
                .densityJvmOpts()).containsExactly("-XX:+UseZGC", "-Xss1m");
    }

    @Test
    void aCollectorChosenByTheScenarioReplacesTheLaunchersOnly() {
        List<String> launcher = BenchOptions.words(BenchOptions.LAUNCHER_JVM_OPTS);
        assertThat(ServerProcess.withoutCollectorIfChosen(launcher, List.of("-XX:+UseG1GC")))
                .doesNotContain("-XX:+UseSerialGC").contains("-Xss512k", "-Xms48m");
        assertThat(ServerProcess.withoutCollectorIfChosen(launcher, List.of("-XX:+UseStringDeduplication")))
                .isEqualTo(launcher);
        assertThat(ServerProcess.withoutCollectorIfChosen(launcher, List.of())).isEqualTo(launcher);
    }

    @Test
    void pausesOfEachCollectorAreRead() {
        GcLog log = GcLog.parse(List.of(
                "[1.0s][info][gc       ] GC(1) Pause Young (Allocation Failure) 90M->30M(200M) 12.500ms",
                "[2.0s][info][gc,phases] GC(1) Phase 1: Mark live objects 3.000ms",
                "[3.0s][info][gc       ] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 50M->20M(256M) 5.000ms",
                "[3.1s][info][gc,phases] GC(2)   Evacuate Collection Set: 4.100ms",
                "[4.0s][info][gc,phases] GC(3) Y: Pause Mark Start 0.020ms",
                "[4.1s][info][gc       ] GC(3) Minor Collection (Allocation Rate) 100M(2%)->40M(1%) 0.150s",
                "[5.0s][info][gc       ] GC(4) Pause Full (Heap Inspection Initiated GC) 300M->200M(1G) 900.000ms"));
        assertThat(log.pauses()).containsExactly(12.5, 5.0, 0.02);
    }
}
