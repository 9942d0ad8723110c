package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    /**
     * A fabric8 client with the namespace's admin kubeconfig. fabric8 reads a PKCS#8 ("BEGIN PRIVATE KEY") client
     * key as RSA unless told its algorithm, so the algorithm is found from the key itself.
     */
    public static io.fabric8.kubernetes.client.KubernetesClient fabric8(TestNamespace ns) {
        try {
            var config = io.fabric8.kubernetes.client.Config.fromKubeconfig(Files.readString(ns.kubectl().kubeconfig()));
            String pem = config.getClientKeyData() != null
                    ? new String(java.util.Base64.getDecoder().decode(config.getClientKeyData()), StandardCharsets.US_ASCII)
                    : Files.readString(Path.of(config.getClientKeyFile()));
            byte[] der = java.util.Base64.getDecoder()
                    .decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
                try {
                    java.security.KeyFactory.getInstance(algorithm)
                            .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
                    config.setClientKeyAlgo(algorithm);
                    break;
                } catch (java.security.GeneralSecurityException notThisOne) {
                    // try the next
                }
            }
            config.setNamespace(ns.name());
            return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free local TCP port (for port-forward's local side). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls until {@code condition} holds, or fails with {@code what} and the last {@code state} after the timeout. */
    public static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition,
                             java.util.function.Supplier<Object> state) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + "\n" + state.get());
            }
            sleep(100);
        }
    }

    /** The kubectl command line for {@code ns}, as {@link Kubectl} builds it (no cache dir: the default is fine here). */
    static List<String> kubectlCommand(TestNamespace ns, String... args) {
        List<String> command = new ArrayList<>(List.of(Kubectl.binary().toString(),
                "--kubeconfig=" + ns.kubectl().kubeconfig(), "--namespace=" + ns.name()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs kubectl with extra environment (e.g. {@code KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false}), which {@link Kubectl}
     * does not offer; {@code stdin} may be null.
     */
    public static KubectlResult kubectlWithEnv(TestNamespace ns, Map<String, String> env, String stdin, Duration timeout,
                                               String... args) {
        return runProcess(kubectlCommand(ns, args), env, stdin, false, timeout, String.join(" ", args));
    }

    /**
     * Runs {@code kubectl args...} on a real terminal: util-linux {@code script} gives it a pty, which is first set to
     * {@code cols}x{@code rows}; {@code input} is typed into the terminal. stdout is what the terminal showed.
     */
    public static KubectlResult kubectlOnTty(TestNamespace ns, int cols, int rows, String input, Duration timeout,
                                             String... args) {
        return kubectlOnTty(ns, "stty cols " + cols + " rows " + rows, input, timeout, args);
    }

    /**
     * Like {@link #kubectlOnTty(TestNamespace, int, int, String, Duration, String...)}, with {@code setup} run by the
     * shell inside {@code script} first (e.g. {@code stty rows 40; (sleep 3; stty rows 50) &} to resize later).
     */
    public static KubectlResult kubectlOnTty(TestNamespace ns, String setup, String input, Duration timeout,
                                             String... args) {
        StringBuilder line = new StringBuilder(setup + "\n exec");
        for (String a : kubectlCommand(ns, args)) {
            line.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        return runProcess(List.of("script", "-qfec", line.toString(), "/dev/null"), Map.of(), input, true, timeout,
                "(tty) kubectl " + String.join(" ", args));
    }

    /** {@code typed}: stdin is typed a line at a time after a second, and left open until the process ends. */
    private static KubectlResult runProcess(List<String> command, Map<String, String> env, String stdin, boolean typed,
                                            Duration timeout, String shown) {
        try {
            Path out = Files.createTempFile("kube4j-e2e", ".out");
            Path err = Files.createTempFile("kube4j-e2e", ".err");
            try {
                ProcessBuilder b = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                b.environment().remove("KUBECONFIG");
                b.environment().put("KUBECTL_COMMAND_HEADERS", "false");
                b.environment().putAll(env);
                if (stdin == null) {
                    b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                }
                Process p = b.start();
                boolean finished;
                if (stdin != null && !typed) {
                    try (OutputStream in = p.getOutputStream()) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // the process ended before reading everything
                    }
                    finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } else if (stdin != null) {
                    // as a person types; stdin stays open until the command ends by itself (no EOF on the terminal)
                    try (OutputStream in = p.getOutputStream()) {
                        sleep(1000);
                        for (String piece : stdin.split("(?<=\n)")) {
                            in.write(piece.getBytes(StandardCharsets.UTF_8));
                            in.flush();
                            sleep(300);
                        }
                        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (IOException e) {
                        // the process ended before reading everything
                        finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    }
                } else {
                    finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                }
                if (!finished) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
                return new KubectlResult(shown, finished ? p.exitValue() : -1, Files.readString(out),
                        Files.readString(err), !finished);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** kubectl started in the background with extra environment; {@link #close()} kills it by its PID. */
    public static final class BackgroundKubectl implements AutoCloseable {
        private final Process process;
        private final Path out;
        private final Path err;

        public BackgroundKubectl(TestNamespace ns, Map<String, String> env, String... args) {
            this(ns, env, false, args);
        }

        /** {@code withStdin}: kubectl reads a pipe that {@link #type} writes to, instead of /dev/null. */
        public BackgroundKubectl(TestNamespace ns, Map<String, String> env, boolean withStdin, String... args) {
            try {
                out = Files.createTempFile("kube4j-e2e-bg", ".out");
                err = Files.createTempFile("kube4j-e2e-bg", ".err");
                ProcessBuilder b = new ProcessBuilder(kubectlCommand(ns, args)).redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                if (!withStdin) {
                    b.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                }
                b.environment().remove("KUBECONFIG");
                b.environment().putAll(env);
                process = b.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes {@code text} to kubectl's stdin. */
        public void type(String text) {
            try {
                process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
                process.getOutputStream().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Ends kubectl's stdin (EOF). */
        public void closeStdin() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Waits for kubectl to exit; its exit code, or -1 when it is still running after the timeout. */
        public int waitFor(Duration timeout) {
            try {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        public String stdout() {
            return read(out);
        }

        public String stderr() {
            return read(err);
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
            try {
                process.waitFor(10, TimeUnit.SECONDS);
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }

        @Override
        public String toString() {
            return "--- stdout ---\n" + stdout() + "--- stderr ---\n" + stderr();
        }

        private static String read(Path p) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                return "";
            }
        }
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
