package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PodTableConvertorTest {
    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private final PodTableConvertor tc = new PodTableConvertor();

    private static ObjectNode yaml(String text) {
        try {
            return (ObjectNode) Json.YAML.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private List<Object> cells(String yaml) {
        List<Object> cells = tc.cells(yaml(yaml), NOW);
        assertThat(cells).hasSameSizeAs(tc.columns());
        return cells;
    }

    @Test
    void columnsAreUpstreams() {
        assertThat(tc.columns()).extracting(c -> c.name()).containsExactly("Name", "Ready", "Status", "Restarts",
                "Age", "IP", "Node", "Nominated Node", "Readiness Gates");
        assertThat(tc.columns()).extracting(c -> c.priority()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1);
        assertThat(tc.columns().get(0).format()).isEqualTo("name");
    }

    @Test
    void pendingPodWithoutStatus() {
        List<Object> cells = cells("""
                metadata: {name: web, creationTimestamp: "2025-01-01T11:55:00Z"}
                spec:
                  containers: [{name: c, image: nginx}]
                """);
        assertThat(cells).containsExactly("web", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>",
                "<none>");
    }

    @Test
    void runningPodCountsReadyContainersAndRecentRestart() {
        List<Object> cells = cells("""
                metadata: {name: web, creationTimestamp: "2024-12-31T12:00:00Z"}
                spec:
                  nodeName: node-1
                  containers: [{name: a}, {name: b}]
                status:
                  phase: Running
                  podIP: 10.0.0.5
                  podIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]
                  conditions: [{type: Ready, status: "False"}]
                  containerStatuses:
                  - name: a
                    ready: true
                    restartCount: 2
                    state: {running: {startedAt: "2025-01-01T11:57:00Z"}}
                    lastState: {terminated: {exitCode: 1, finishedAt: "2025-01-01T11:57:00Z"}}
                  - name: b
                    ready: false
                    restartCount: 3
                    state: {running: {startedAt: "2025-01-01T11:00:00Z"}}
                    lastState: {terminated: {exitCode: 1, finishedAt: "2025-01-01T11:00:00Z"}}
                """);
        assertThat(cells).containsExactly("web", "1/2", "Running", "5 (3m ago)", "24h", "10.0.0.5", "node-1",
                "<none>", "<none>");
    }

    @Test
    void waitingReasonOfAContainerWins() {
        List<Object> cells = cells("""
                metadata: {name: crash}
                spec: {containers: [{name: a}]}
                status:
                  phase: Running
                  containerStatuses:
                  - {name: a, ready: false, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff}}}
                """);
        assertThat(cells.subList(1, 5)).containsExactly("0/1", "CrashLoopBackOff", "4", "<unknown>");
    }

    @Test
    void terminatedWithoutReasonShowsExitCodeOrSignal() {
        assertThat(cells("""
                metadata: {name: p}
                spec: {containers: [{name: a}]}
                status:
                  phase: Failed
                  containerStatuses: [{name: a, state: {terminated: {exitCode: 137}}}]
                """).get(2)).isEqualTo("ExitCode:137");
        assertThat(cells("""
                metadata: {name: p}
                spec: {containers: [{name: a}]}
                status:
                  phase: Failed
                  containerStatuses: [{name: a, state: {terminated: {exitCode: 0, signal: 9}}}]
                """).get(2)).isEqualTo("Signal:9");
    }

    @Test
    void anEvictedPodShowsEvictedUnlessAContainerStatusHasAReason() {
        // upstream's printer starts from status.reason, and a container's terminated reason overrides it
        assertThat(cells("""
                metadata: {name: p}
                spec: {containers: [{name: a}]}
                status: {phase: Failed, reason: Evicted}
                """).get(2)).isEqualTo("Evicted");
        assertThat(cells("""
                metadata: {name: p}
                spec: {containers: [{name: a}]}
                status:
                  phase: Failed
                  reason: Evicted
                  containerStatuses: [{name: a, state: {terminated: {exitCode: 137, reason: Error}}}]
                """).get(2)).isEqualTo("Error");
    }

    @Test
    void initContainersShowProgress() {
        String pod = """
                metadata: {name: p}
                spec:
                  initContainers: [{name: i1}, {name: i2}]
                  containers: [{name: a}]
                status:
                  phase: Pending
                  initContainerStatuses:
                  - {name: i1, state: {terminated: {exitCode: 0, reason: Completed}}}
                  - {name: i2, state: {running: {}}}
                  containerStatuses:
                  - {name: a, state: {waiting: {reason: PodInitializing}}}
                """;
        assertThat(cells(pod).subList(1, 3)).containsExactly("0/1", "Init:1/2");
    }

    @Test
    void failingInitContainerReasons() {
        assertThat(cells("""
                metadata: {name: p}
                spec: {initContainers: [{name: i1}], containers: [{name: a}]}
                status:
                  phase: Pending
                  initContainerStatuses:
                  - {name: i1, restartCount: 3, state: {waiting: {reason: CrashLoopBackOff}}}
                """).subList(2, 4)).containsExactly("Init:CrashLoopBackOff", "3");
        assertThat(cells("""
                metadata: {name: p}
                spec: {initContainers: [{name: i1}], containers: [{name: a}]}
                status:
                  phase: Pending
                  initContainerStatuses: [{name: i1, state: {terminated: {exitCode: 2}}}]
                """).get(2)).isEqualTo("Init:ExitCode:2");
        assertThat(cells("""
                metadata: {name: p}
                spec: {initContainers: [{name: i1}], containers: [{name: a}]}
                status:
                  phase: Pending
                  initContainerStatuses: [{name: i1, state: {terminated: {exitCode: 1, reason: Error}}}]
                """).get(2)).isEqualTo("Init:Error");
    }

    @Test
    void startedSidecarCountsAsAContainer() {
        List<Object> cells = cells("""
                metadata: {name: p}
                spec:
                  initContainers: [{name: proxy, restartPolicy: Always}]
                  containers: [{name: app}]
                status:
                  phase: Running
                  conditions: [{type: Initialized, status: "True"}, {type: Ready, status: "True"}]
                  initContainerStatuses:
                  - {name: proxy, started: true, ready: true, restartCount: 1, state: {running: {}}}
                  containerStatuses:
                  - {name: app, ready: true, restartCount: 2, state: {running: {}}}
                """);
        assertThat(cells.subList(1, 4)).containsExactly("2/2", "Running", "3");
    }

    @Test
    void completedContainerBesideARunningOne() {
        String pod = """
                metadata: {name: p}
                spec: {containers: [{name: a}, {name: b}]}
                status:
                  phase: Running
                  conditions: [{type: Ready, status: "%s"}]
                  containerStatuses:
                  - {name: a, ready: false, state: {terminated: {exitCode: 0, reason: Completed}}}
                  - {name: b, ready: true, state: {running: {}}}
                """;
        assertThat(cells(pod.formatted("True")).get(2)).isEqualTo("Running");
        assertThat(cells(pod.formatted("False")).get(2)).isEqualTo("NotReady");
    }

    @Test
    void deletionShowsTerminatingOrUnknownForLostNodes() {
        assertThat(cells("""
                metadata: {name: p, deletionTimestamp: "2025-01-01T11:59:00Z"}
                spec: {containers: [{name: a}]}
                status: {phase: Running}
                """).get(2)).isEqualTo("Terminating");
        assertThat(cells("""
                metadata: {name: p, deletionTimestamp: "2025-01-01T11:59:00Z"}
                spec: {containers: [{name: a}]}
                status: {phase: Running, reason: NodeLost}
                """).get(2)).isEqualTo("Unknown");
        assertThat(cells("""
                metadata: {name: p, deletionTimestamp: "2025-01-01T11:59:00Z"}
                spec: {containers: [{name: a}]}
                status: {phase: Succeeded}
                """).get(2)).isEqualTo("Succeeded");
    }

    @Test
    void statusReasonAndSchedulingGates() {
        assertThat(cells("""
                metadata: {name: p}
                spec: {containers: [{name: a}]}
                status: {phase: Failed, reason: Evicted}
                """).get(2)).isEqualTo("Evicted");
        assertThat(cells("""
                metadata: {name: p}
                spec: {containers: [{name: a}], schedulingGates: [{name: g}]}
                status:
                  phase: Pending
                  conditions: [{type: PodScheduled, status: "False", reason: SchedulingGated}]
                """).get(2)).isEqualTo("SchedulingGated");
    }

    @Test
    void readinessGatesCountTrueConditions() {
        List<Object> cells = cells("""
                metadata: {name: p}
                spec:
                  containers: [{name: a}]
                  readinessGates: [{conditionType: example.com/a}, {conditionType: example.com/b}]
                status:
                  phase: Running
                  nominatedNodeName: node-2
                  conditions:
                  - {type: example.com/a, status: "True"}
                  - {type: example.com/b, status: "False"}
                """);
        assertThat(cells.subList(7, 9)).containsExactly("node-2", "1/2");
    }
}
