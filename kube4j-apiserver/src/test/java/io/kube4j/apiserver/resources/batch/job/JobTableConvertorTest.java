package io.kube4j.apiserver.resources.batch.job;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kube4j.apiserver.printers.TableFixtures.cells;
import static org.assertj.core.api.Assertions.assertThat;

class JobTableConvertorTest {
    private final JobTableConvertor tc = new JobTableConvertor();

    @Test
    void columnsAreUpstreams() {
        assertThat(tc.columns()).extracting(c -> c.name()).containsExactly("Name", "Status", "Completions",
                "Duration", "Age", "Containers", "Images", "Selector");
    }

    @Test
    void completedJob() {
        List<Object> cells = cells(tc, """
                metadata: {name: pi, creationTimestamp: "2025-01-01T11:50:00Z"}
                spec:
                  completions: 3
                  selector: {matchLabels: {batch.kubernetes.io/controller-uid: abc}}
                  template: {spec: {containers: [{name: pi, image: perl}]}}
                status:
                  succeeded: 3
                  startTime: "2025-01-01T11:50:00Z"
                  completionTime: "2025-01-01T11:52:30Z"
                  conditions: [{type: SuccessCriteriaMet, status: "True"}, {type: Complete, status: "True"}]
                """);
        assertThat(cells).containsExactly("pi", "Complete", "3/3", "2m30s", "10m", "pi", "perl",
                "batch.kubernetes.io/controller-uid=abc");
    }

    @Test
    void runningJobDurationCountsToNow() {
        List<Object> cells = cells(tc, """
                metadata: {name: q}
                spec: {parallelism: 4}
                status: {succeeded: 1, startTime: "2025-01-01T11:59:15Z"}
                """);
        assertThat(cells.subList(1, 4)).containsExactly("Running", "1/1 of 4", "45s");
    }

    @Test
    void unstartedJob() {
        assertThat(cells(tc, "metadata: {name: j}\nspec: {completions: 2}").subList(1, 4))
                .containsExactly("Running", "0/2", "");
        assertThat(cells(tc, "metadata: {name: j}").get(2)).isEqualTo("0/1");
    }

    @Test
    void statusFollowsConditions() {
        assertThat(cells(tc, """
                metadata: {name: j}
                status: {conditions: [{type: Failed, status: "True"}]}
                """).get(1)).isEqualTo("Failed");
        assertThat(cells(tc, """
                metadata: {name: j}
                status: {conditions: [{type: Suspended, status: "True"}]}
                """).get(1)).isEqualTo("Suspended");
        assertThat(cells(tc, """
                metadata: {name: j, deletionTimestamp: "2025-01-01T11:00:00Z"}
                status: {conditions: [{type: Suspended, status: "True"}]}
                """).get(1)).isEqualTo("Terminating");
        assertThat(cells(tc, """
                metadata: {name: j}
                status: {conditions: [{type: FailureTarget, status: "True"}]}
                """).get(1)).isEqualTo("FailureTarget");
        assertThat(cells(tc, """
                metadata: {name: j}
                status: {conditions: [{type: SuccessCriteriaMet, status: "True"}]}
                """).get(1)).isEqualTo("SuccessCriteriaMet");
        assertThat(cells(tc, """
                metadata: {name: j}
                status: {conditions: [{type: Complete, status: "False"}]}
                """).get(1)).isEqualTo("Running");
    }
}
