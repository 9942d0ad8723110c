package io.kube4j.client.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the recorder against a small HTTP server that records every request it gets. */
class EventRecorderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Request(String method, String path, String contentType, JsonNode body) { }

    private HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** Requests wait on this before they are answered; counted down by a test to release them. */
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private KubernetesClient client;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00.400Z"));

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
            clock.now = Instant.parse("2026-11-25T10:00:07Z");
            recorder.warning(pod, null, "BackOff", "back-off");
            clock.now = Instant.parse("2026-11-25T10:00:09Z");
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
        // nothing is answered while the gate is shut: at most the four writers hold one event each and two wait
        // in the queue; every other call must return at once, its event dropped
        for (int i = 0; i < 20; i++) {
            recorder.normal(pod("p" + i, "u" + i), null, "Pulled", "pulled");
        }
        long dropped = recorder.dropped();
        assertThat(dropped).isBetween(14L, 19L);
        gate.countDown();
        recorder.close();
        assertThat(requests).hasSize((int) (20 - dropped));
        assertThat(requests).allSatisfy(r -> assertThat(r.method()).isEqualTo("POST"));
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

    private static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
