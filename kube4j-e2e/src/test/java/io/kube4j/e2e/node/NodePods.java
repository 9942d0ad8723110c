package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/**
 * What the node's end-to-end tests share: the test images kube4j builds itself, pod manifests bound to the shared
 * server's node (until the scheduler exists, pods carry {@code spec.nodeName}), and waiting on pods through kubectl.
 */
public final class NodePods {
    public static final String BUSYBOX = "kube4j.local/busybox:1.36";
    public static final String KUBIA = "kube4j.local/kubia:1";
    public static final String KUBIA_UNHEALTHY = "kube4j.local/kubia-unhealthy:1";
    public static final String NODE = Kube4jServer.NODE_NAME;

    private NodePods() {
    }

    /** A single-container kubia pod on the node, as in the book's kubia-manual.yaml. */
    public static String kubia(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels:
                    app: kubia
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 5
                  containers:
                  - name: kubia
                    image: %s
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                """.formatted(name, NODE, KUBIA);
    }

    /** A busybox pod on the node that sleeps until it is stopped (and stops at once on SIGTERM). */
    public static String busybox(String name) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                """.formatted(name, NODE, BUSYBOX);
    }

    /** Creates the pod from YAML and waits until it is Ready. */
    public static void createReady(TestNamespace ns, String yaml, String name) {
        assertThat(ns.kubectl().runWithStdin(yaml, "apply", "-f", "-")).succeeds();
        waitReady(ns, name);
    }

    public static void waitReady(TestNamespace ns, String name) {
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(90))
                .run("wait", "--for=condition=Ready", "pod/" + name, "--timeout=60s")).succeeds();
    }

    /** Polls {@code kubectl get ... -o jsonpath=EXPR} until the output matches, or fails after the timeout. */
    public static String awaitJsonPath(TestNamespace ns, String resource, String expr, Predicate<String> done,
                                       Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            KubectlResult r = ns.kubectl().run("get", resource, "-o", "jsonpath=" + expr);
            if (r.succeeded()) {
                last = r.stdout();
                if (done.test(last)) {
                    return last;
                }
            }
            sleep(500);
        }
        throw new AssertionError("timed out after " + timeout + " waiting on " + resource + " " + expr
                + "; last value: " + last + "\n" + ns.kubectl().run("describe", resource).stdout());
    }

    /** The pod's events, one {@code "TYPE REASON MESSAGE"} line each, oldest first. */
    public static java.util.List<String> events(TestNamespace ns, String pod) {
        KubectlResult r = ns.kubectl().run("get", "events", "--field-selector", "involvedObject.name=" + pod,
                "--sort-by=.metadata.creationTimestamp", "-o",
                "jsonpath={range .items[*]}{.type} {.reason} {.message}{\"\\n\"}{end}");
        assertThat(r).succeeds();
        return r.lines();
    }

    /** Polls the pod's events until one line ({@code "TYPE REASON MESSAGE"}) matches; returns all of them. */
    public static java.util.List<String> awaitEvent(TestNamespace ns, String pod, Predicate<String> line,
                                                    Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        java.util.List<String> last = java.util.List.of();
        while (Instant.now().isBefore(deadline)) {
            last = events(ns, pod);
            if (last.stream().anyMatch(line)) {
                return last;
            }
            sleep(500);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for an event of pod " + pod
                + "; events:\n" + String.join("\n", last));
    }

    /** Polls {@code kubectl logs POD} until it contains {@code text}; returns the whole log. */
    public static String awaitLogs(TestNamespace ns, String pod, String text) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        String last = "";
        while (Instant.now().isBefore(deadline)) {
            KubectlResult r = ns.kubectl().run("logs", pod);
            if (r.succeeded()) {
                last = r.stdout();
                if (last.contains(text)) {
                    return last;
                }
            }
            sleep(300);
        }
        throw new AssertionError("no \"" + text + "\" in the logs of " + pod + ": " + last);
    }

    public static String podIp(TestNamespace ns, String name) {
        return awaitJsonPath(ns, "pod/" + name, "{.status.podIP}", s -> !s.isBlank(), Duration.ofSeconds(60));
    }

    /** GET http://IP:PORT/ from the host; pods' addresses are reachable from the node. */
    public static HttpResponse<String> httpGet(String host, int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Applies YAML from stdin and checks kubectl accepted it. */
    public static void apply(TestNamespace ns, String yaml) {
        assertThat(ns.kubectl().runWithStdin(yaml, "apply", "-f", "-")).succeeds();
    }

    /**
     * A pod on the node whose containers are given as a YAML list (indented by two spaces, each item starting
     * {@code - name:}); {@code extraSpec} lines (same indentation) go into the spec before the containers.
     */
    public static String pod(String name, String extraSpec, String containers) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  nodeName: %s
                %s
                  containers:
                %s
                """.formatted(name, NODE, extraSpec.stripTrailing(), containers.stripTrailing());
    }

    /** One row of {@code kubectl get pod NAME}: the READY, STATUS and RESTARTS columns as printed. */
    public record PodRow(String ready, String status, String restarts) {
        /** The restart count without upstream's " (5s ago)" suffix. */
        public int restartCount() {
            return Integer.parseInt(restarts.split(" ")[0]);
        }
    }

    /** {@code kubectl get pod NAME --no-headers}, split into columns; null when the pod is not there. */
    public static PodRow row(TestNamespace ns, String name) {
        KubectlResult r = ns.kubectl().run("get", "pod", name, "--no-headers");
        if (!r.succeeded() || r.lines().isEmpty()) {
            return null;
        }
        // NAME READY STATUS RESTARTS AGE, where RESTARTS may read "2 (3s ago)".
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^\\S+\\s+(\\S+)\\s+(\\S+)\\s+(\\d+(?: \\([^)]*\\))?)\\s+\\S+$")
                .matcher(r.lines().get(0));
        if (!m.matches()) {
            throw new AssertionError("unexpected row: " + r);
        }
        return new PodRow(m.group(1), m.group(2), m.group(3));
    }

    /** Polls {@code kubectl get pod NAME} until its row matches; returns that row. */
    public static PodRow awaitRow(TestNamespace ns, String name, Predicate<PodRow> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        PodRow last = null;
        while (Instant.now().isBefore(deadline)) {
            last = row(ns, name);
            if (last != null && done.test(last)) {
                return last;
            }
            sleep(250);
        }
        throw new AssertionError("timed out after " + timeout + " waiting on pod " + name + "; last row: " + last
                + "\n" + ns.kubectl().run("describe", "pod", name).stdout());
    }

    /** One {@code kubectl get RESOURCE -o jsonpath=EXPR}, which must succeed. */
    public static String jsonPath(TestNamespace ns, String resource, String expr) {
        KubectlResult r = ns.kubectl().run("get", resource, "-o", "jsonpath=" + expr);
        assertThat(r).succeeds();
        return r.stdout();
    }

    /** The reasons and messages of the events about one object, one "Reason: message" a line. */
    public static String eventText(TestNamespace ns, String name) {
        return jsonPath(ns, "events", "{range .items[?(@.involvedObject.name==\"" + name
                + "\")]}{.reason}: {.message}{\"\\n\"}{end}");
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
