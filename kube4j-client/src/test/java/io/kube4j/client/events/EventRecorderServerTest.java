package io.kube4j.client.events;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.client.testing.FakeClock;
import io.kube4j.junit.Kube4jTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The recorder against a real in-process API server: the create, then the count PATCHes on the stored Event. */
@Kube4jTest
class EventRecorderServerTest {

    private static List<Event> eventsAbout(KubernetesClient client, String uid) {
        return client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> uid.equals(e.getInvolvedObject().getUid())).toList();
    }

    @Test
    void aRepeatRaisesCountAndLastTimestampOfTheStoredEvent(KubernetesClient client) {
        ConfigMap cm = client.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("events-about-me").endMetadata().build()).create();
        String uid = cm.getMetadata().getUid();
        // recent times: the server's event TTL (one hour) must not expire the Event during the test
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        FakeClock clock = new FakeClock(t0);
        try (EventRecorder recorder = new EventRecorder(client, "kube4j-test", "host-1", clock)) {
            recorder.warning(cm, null, "FailedSync", "could not sync");
            await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout(client, uid).size() == 1);
            Event created = eventsAbout(client, uid).getFirst();
            assertThat(created.getCount()).isEqualTo(1);
            assertThat(created.getFirstTimestamp()).isEqualTo(t0.toString());
            assertThat(created.getLastTimestamp()).isEqualTo(t0.toString());
            assertThat(created.getType()).isEqualTo("Warning");
            assertThat(created.getSource().getComponent()).isEqualTo("kube4j-test");
            assertThat(created.getInvolvedObject().getKind()).isEqualTo("ConfigMap");

            clock.advance(Duration.ofSeconds(7));
            recorder.warning(cm, null, "FailedSync", "could not sync");
            await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout(client, uid).getFirst().getCount() == 2);
            Event once = eventsAbout(client, uid).getFirst();
            assertThat(once.getLastTimestamp()).isEqualTo(t0.plusSeconds(7).toString());

            clock.advance(Duration.ofSeconds(5));
            recorder.warning(cm, null, "FailedSync", "could not sync");
            recorder.warning(cm, null, "FailedSync", "could not sync");
            await().atMost(Duration.ofSeconds(20)).until(() -> eventsAbout(client, uid).getFirst().getCount() == 4);
            List<Event> after = eventsAbout(client, uid);
            // still the one Event: same name, first seen when it was created
            assertThat(after).singleElement().satisfies(e -> {
                assertThat(e.getMetadata().getName()).isEqualTo(created.getMetadata().getName());
                assertThat(e.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid());
                assertThat(e.getFirstTimestamp()).isEqualTo(t0.toString());
                assertThat(e.getLastTimestamp()).isEqualTo(t0.plusSeconds(12).toString());
                assertThat(e.getMessage()).isEqualTo("could not sync");
            });
            assertThat(recorder.dropped()).isZero();
        }
    }
}
