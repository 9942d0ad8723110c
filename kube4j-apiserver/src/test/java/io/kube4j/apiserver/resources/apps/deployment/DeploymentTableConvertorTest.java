package io.kube4j.apiserver.resources.apps.deployment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kube4j.apiserver.printers.TableFixtures.cells;
import static org.assertj.core.api.Assertions.assertThat;

class DeploymentTableConvertorTest {
    private final DeploymentTableConvertor tc = new DeploymentTableConvertor();

    @Test
    void columnsAreUpstreams() {
        assertThat(tc.columns()).extracting(c -> c.name()).containsExactly("Name", "Ready", "Up-to-date",
                "Available", "Age", "Containers", "Images", "Selector");
        assertThat(tc.columns()).extracting(c -> c.priority()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1);
    }

    @Test
    void readyOfDesiredAndCounts() {
        List<Object> cells = cells(tc, """
                metadata: {name: web, creationTimestamp: "2024-12-29T12:00:00Z"}
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: web}
                    matchExpressions: [{key: track, operator: In, values: [stable, canary]}]
                  template:
                    spec:
                      containers: [{name: nginx, image: "nginx:1.27"}, {name: sidecar, image: busybox}]
                status: {replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2}
                """);
        assertThat(cells).containsExactly("web", "2/3", 3L, 2L, "3d", "nginx,sidecar", "nginx:1.27,busybox",
                "app=web,track in (canary,stable)");
    }

    @Test
    void freshDeploymentWithoutStatus() {
        List<Object> cells = cells(tc, """
                metadata: {name: new}
                spec: {selector: {matchLabels: {app: new}}, template: {spec: {containers: [{name: c, image: i}]}}}
                """);
        // replicas defaults to 1
        assertThat(cells.subList(1, 4)).containsExactly("0/1", 0L, 0L);
    }
}
