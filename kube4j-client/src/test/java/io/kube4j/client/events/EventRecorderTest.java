package io.kube4j.client.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.client.testing.FakeClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Runs the recorder against a small HTTP server that records every request it gets. */
class EventRecorderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, String contentType, JsonNode body) { }

    private HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** Requests wait on this before they are answered; counted down by a test to release them. */
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private KubernetesClient client;
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-25T10:00:00.400Z"));

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    JSON.readTree(new String(body, StandardCharsets.UTF_8))));
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the recorder reads only the status; the body is a bare object so nothing could be taken from it
            byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 201 : 200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort()).withRequestRetryBackoffLimit(0).withHttp2Disable(true)
                .build()).build();
    }

    @AfterEach
    void stop() {
        gate.countDown();
        client.close();
        server.stop(0);
    }

    @Test
    void writesTheEventWithSourceReferenceAndTimestamps() throws Exception {
        try (EventRecorder recorder = new EventRecorder(client, "default-scheduler", "node-1", clock)) {
            recorder.normal(pod("web-0", "uid-1"), null, "Scheduled", "Successfully assigned apps/web-0 to n1");
            Request r = next();
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.path()).isEqualTo("/api/v1/namespaces/apps/events");
            assertThat(r.contentType()).startsWith("application/json");
            JsonNode e = r.body();
            assertThat(e.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(e.path("kind").asText()).isEqualTo("Event");
            assertThat(e.path("metadata").path("namespace").asText()).isEqualTo("apps");
            assertThat(e.path("metadata").path("name").asText()).matches("web-0\\.[0-9a-f]+");
            assertThat(JSON.writeValueAsString(e.path("involvedObject"))).isEqualTo(
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"web-0\",\"namespace\":\"apps\",\"uid\":\"uid-1\"}");
            assertThat(e.path("type").asText()).isEqualTo("Normal");
            assertThat(e.path("reason").asText()).isEqualTo("Scheduled");
            assertThat(e.path("message").asText()).isEqualTo("Successfully assigned apps/web-0 to n1");
            assertThat(JSON.writeValueAsString(e.path("source")))
                    .isEqualTo("{\"component\":\"default-scheduler\",\"host\":\"node-1\"}");
            assertThat(e.path("reportingComponent").asText()).isEqualTo("default-scheduler");
            assertThat(e.path("reportingInstance").asText()).isEqualTo("node-1");
            assertThat(e.path("firstTimestamp").asText()).isEqualTo("2026-11-25T10:00:00Z");
            assertThat(e.path("lastTimestamp").asText()).isEqualTo("2026-11-25T10:00:00Z");
            assertThat(e.path("count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aContainerEventCarriesItsFieldPathAndAWarningItsType() throws Exception {
        try (EventRecorder recorder = new EventRecorder(client, "kubelet", "n1", clock)) {
            recorder.warning(pod("web-0", "uid-1"), EventRecorder.containerPath(false, "app"), "BackOff", "back-off");
            JsonNode e = next().body();
            assertThat(e.path("involvedObject").path("fieldPath").asText()).isEqualTo("spec.containers{app}");
            assertThat(e.path("type").asText()).isEqualTo("Warning");
        }
    }

    @Test
    void aRepeatRaisesTheCountOfTheSameEvent() throws Exception {
        gate = new CountDownLatch(1);
        try (EventRecorder recorder = new EventRecorder(client, "kubelet", "n1", clock)) {
            Pod pod = pod("web-0", "uid-1");
            recorder.warning(pod, null, "BackOff", "back-off");
            Request create = next();
            // two repeats while the create is still on the wire
            clock.set(Instant.parse("2026-11-25T10:00:07Z"));
            recorder.warning(pod, null, "BackOff", "back-off");
            clock.set(Instant.parse("2026-11-25T10:00:09Z"));
            recorder.warning(pod, null, "BackOff", "back-off");
            gate.countDown();
            Request patch = next();
            assertThat(patch.method()).isEqualTo("PATCH");
            assertThat(patch.contentType()).startsWith("application/merge-patch+json");
            assertThat(patch.path()).isEqualTo("/api/v1/namespaces/apps/events/"
                    + create.body().path("metadata").path("name").asText());
            assertThat(JSON.writeValueAsString(patch.body()))
                    .isEqualTo("{\"count\":3,\"lastTimestamp\":\"2026-11-25T10:00:09Z\"}");

            // a different message is a different Event
            recorder.warning(pod, null, "BackOff", "back-off again");
            Request other = next();
            assertThat(other.method()).isEqualTo("POST");
            assertThat(other.body().path("count").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aFullQueueDropsNewEventsInsteadOfBlockingTheCaller() throws Exception {
        gate = new CountDownLatch(1);
        EventRecorder recorder = new EventRecorder(client, "kubelet", "n1", clock, 2);
        // nothing is answered while the gate is shut: each of the four writers takes one event and waits on its
        // request (whether or not the server took it in yet)
        for (int i = 0; i < 4; i++) {
            recorder.normal(pod("p" + i, "u" + i), null, "Pulled", "pulled");
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.waiting() == 0);
        }
        // two wait in the queue; every other call must return at once, its event dropped
        for (int i = 4; i < 20; i++) {
            recorder.normal(pod("p" + i, "u" + i), null, "Pulled", "pulled");
        }
        assertThat(recorder.waiting()).isEqualTo(2);
        assertThat(recorder.dropped()).isEqualTo(14);
        gate.countDown();
        recorder.close();
        assertThat(requests).hasSize(6);
        assertThat(requests).allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
        assertThat(requests).extracting(r -> r.body().at("/involvedObject/name").asText())
                .containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4", "p5");
    }

    @Test
    void theSpamFilterLetsASourceWrite25EventsAboutAnObjectThenOneEveryFiveMinutes() throws Exception {
        try (EventRecorder recorder = new EventRecorder(client, "kubelet", "n1", clock)) {
            Pod pod = pod("web-0", "uid-1");
            for (int i = 0; i < 25; i++) {
                recorder.normal(pod, null, "Reason" + i, "message " + i);
            }
            for (int i = 0; i < 25; i++) {
                assertThat(next().body().path("reason").asText()).startsWith("Reason");
            }
            // the bucket is empty: a new event and three repeats of the first are counted, not written
            recorder.normal(pod, null, "Reason25", "message 25");
            clock.set(Instant.parse("2026-11-25T10:01:00Z"));
            for (int i = 0; i < 3; i++) {
                recorder.normal(pod, null, "Reason0", "message 0");
            }
            assertThat(recorder.filtered()).isEqualTo(4);
            // another object has a bucket of its own
            recorder.normal(pod("web-1", "uid-2"), null, "Reason0", "message 0");
            assertThat(next().body().at("/involvedObject/name").asText()).isEqualTo("web-1");

            // one token back after five minutes: the next repeat is written with every occurrence in its count
            clock.set(Instant.parse("2026-11-25T10:05:00.399Z"));
            recorder.normal(pod, null, "Reason0", "message 0");
            assertThat(recorder.filtered()).isEqualTo(5);
            clock.set(Instant.parse("2026-11-25T10:05:00.400Z"));
            recorder.normal(pod, null, "Reason0", "message 0");
            Request patch = next();
            assertThat(patch.method()).isEqualTo("PATCH");
            assertThat(JSON.writeValueAsString(patch.body()))
                    .isEqualTo("{\"count\":6,\"lastTimestamp\":\"2026-11-25T10:05:00Z\"}");
            // the event skipped at first is created by its first written occurrence, with its count
            clock.set(Instant.parse("2026-11-25T10:10:00.400Z"));
            recorder.normal(pod, null, "Reason25", "message 25");
            Request create = next();
            assertThat(create.method()).isEqualTo("POST");
            assertThat(create.body().path("reason").asText()).isEqualTo("Reason25");
            assertThat(create.body().path("count").asInt()).isEqualTo(2);
            assertThat(create.body().path("firstTimestamp").asText()).isEqualTo("2026-11-25T10:00:00Z");
        }
        assertThat(requests).isEmpty();
    }

    @Test
    void closeWritesWhatIsQueuedAndDropsLaterEvents() throws Exception {
        EventRecorder recorder = new EventRecorder(client, "kubelet", "n1", clock);
        for (int i = 0; i < 10; i++) {
            recorder.normal(pod("p" + i, "u" + i), null, "Started", "started");
        }
        recorder.close();
        assertThat(requests).hasSize(10);
        recorder.normal(pod("late", "u-late"), null, "Started", "started");
        assertThat(recorder.dropped()).isEqualTo(1);
        assertThat(requests).hasSize(10);
    }

    private Request next() throws InterruptedException {
        Request r = requests.poll(30, TimeUnit.SECONDS);
        assertThat(r).as("a request reached the server").isNotNull();
        return r;
    }

    private static Pod pod(String name, String uid) {
        return new PodBuilder().withNewMetadata().withNamespace("apps").withName(name).withUid(uid).endMetadata()
                .build();
    }
}
