package io.kube4j.e2e;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code kubectl get -w}: a long-running watch that prints a line per change. */
@Kube4jE2E(apiOnly = true)
class WatchIT {

    @Test
    void watchPrintsNewPods(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        try (Kubectl.Background watcher = k.start("get", "pods", "-w")) {
            // created before or after the watch starts, the pod shows up: in the initial list or as an event
            assertThat(k.runWithStdin(Manifests.pod("watched", Map.of("app", "w")), "create", "-f", "-")).succeeds();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(watcher.stdout()).as(watcher.toString())
                            .containsPattern("(?m)^NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s*$")
                            .containsPattern("(?m)^watched\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s*$"));

            assertThat(k.run("label", "po", "watched", "tier=web")).succeeds();
            // every change is one more line for the pod
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(watcher.stdout().lines().filter(l -> l.startsWith("watched")).count())
                            .as(watcher.toString()).isGreaterThanOrEqualTo(2));
            assertThat(watcher.isAlive()).as("kubectl get -w keeps running: " + watcher).isTrue();
        }
    }

    @Test
    void watchOnlyShowsSelectedPods(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.runWithStdin(Manifests.pod("before", Map.of("app", "seen")), "create", "-f", "-")).succeeds();
        try (Kubectl.Background watcher = k.start("get", "pods", "-w", "-l", "app=seen", "--output-watch-events")) {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(watcher.stdout()).as(watcher.toString())
                            .containsPattern("(?m)^EVENT\\s+NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s*$")
                            .containsPattern("(?m)^ADDED\\s+before\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s*$"));
            assertThat(k.runWithStdin(Manifests.pod("hidden", Map.of("app", "other")), "create", "-f", "-")).succeeds();
            assertThat(k.runWithStdin(Manifests.pod("after", Map.of("app", "seen")), "create", "-f", "-")).succeeds();
            assertThat(k.run("delete", "po", "before")).succeeds();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(watcher.stdout()).as(watcher.toString())
                            .containsPattern("(?m)^ADDED\\s+after\\s+0/1\\s+Pending\\s+0\\s+\\d+s\\s*$")
                            .containsPattern("(?m)^DELETED\\s+before\\s+0/1\\s+\\S+\\s+0\\s+\\d+s\\s*$"));
            assertThat(watcher.stdout()).as(watcher.toString()).doesNotContain("hidden");
        }
    }
}
