package io.kube4j.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Counts the pods of one namespace, and how many of them are Running, from a LIST and then a watch of its own: the
 * pods themselves, not a controller's status (a busy ReplicaSet controller's {@code status.replicas} lags its pods
 * by minutes). When the watch ends (a server timeout, 410 Gone) it lists and watches again. Each event line is read
 * with a streaming parser that keeps only the type, {@code metadata.name} and {@code status.phase}.
 *
 * <p>Used by {@link DensityBench}: the watch's callbacks (on the HTTP client's thread) update the counts, the bench
 * thread reads them; the methods are synchronized.
 */
final class PodCounter implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    private final AdminClient client;
    private final String namespace;
    private final Set<String> pods = new HashSet<>();
    private final Set<String> running = new HashSet<>();
    private volatile boolean closed;
    private volatile CompletableFuture<Void> watch;
    private int restarts;

    private PodCounter(AdminClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Lists the namespace's pods and starts following them. */
    static PodCounter start(AdminClient client, String namespace) throws IOException, InterruptedException {
        PodCounter c = new PodCounter(client, namespace);
        c.listAndWatch();
        return c;
    }

    /** Pods that exist now. */
    synchronized long created() {
        return pods.size();
    }

    /** Pods whose phase is Running now. */
    synchronized long running() {
        return running.size();
    }

    /** How many times the watch was opened again after it ended. */
    synchronized int restarts() {
        return restarts;
    }

    private void listAndWatch() throws IOException, InterruptedException {
        Set<String> listed = new HashSet<>();
        Set<String> listedRunning = new HashSet<>();
        String rv = "";
        String cont = "";
        do {
            AdminClient.Reply r = client.get("/api/v1/namespaces/" + namespace + "/pods?limit=5000"
                    + (cont.isEmpty() ? "" : "&continue=" + URLEncoder.encode(cont, StandardCharsets.UTF_8)),
                    AdminClient.JSON);
            if (r.status() != 200) {
                throw new IOException("list pods: HTTP " + r.status() + " " + r.text());
            }
            String[] meta = readList(r.body(), listed, listedRunning);
            if (rv.isEmpty()) {
                rv = meta[0]; // a paged list is consistent at its first page's revision
            }
            cont = meta[1];
        } while (!cont.isEmpty());
        synchronized (this) {
            pods.clear();
            pods.addAll(listed);
            running.clear();
            running.addAll(listedRunning);
        }
        if (closed) {
            return;
        }
        watch = client.streamLines("/api/v1/namespaces/" + namespace + "/pods?watch=true&resourceVersion=" + rv
                + "&timeoutSeconds=3600", this::onLine).whenComplete((v, e) -> rewatch());
    }

    private void rewatch() {
        if (closed) {
            return;
        }
        synchronized (this) {
            restarts++;
        }
        Thread.ofVirtual().name("pod-counter-rewatch").start(() -> {
            try {
                listAndWatch();
            } catch (IOException | InterruptedException e) {
                System.out.println("  pod counter: watch ended and could not restart: " + e);
            }
        });
    }

    /** {resourceVersion, continue} of a pod list; its pods' names go to {@code names}, the Running ones also to {@code run}. */
    private static String[] readList(byte[] body, Set<String> names, Set<String> run) throws IOException {
        String rv = "";
        String cont = "";
        try (JsonParser p = JSON.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                p.nextToken();
                if (f.equals("metadata")) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String m = p.currentName();
                        p.nextToken();
                        if (m.equals("resourceVersion")) {
                            rv = p.getText();
                        } else if (m.equals("continue")) {
                            cont = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if (f.equals("items") && p.currentToken() == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        String[] np = readPod(p);
                        if (np[0] != null) {
                            names.add(np[0]);
                            if ("Running".equals(np[1])) {
                                run.add(np[0]);
                            }
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return new String[]{rv, cont};
    }

    /** {name, phase} of the pod object the parser is at the start of; leaves the parser at its end. */
    private static String[] readPod(JsonParser p) throws IOException {
        String name = null;
        String phase = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if ((f.equals("metadata") || f.equals("status")) && t == JsonToken.START_OBJECT) {
                String want = f.equals("metadata") ? "name" : "phase";
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String m = p.currentName();
                    p.nextToken();
                    if (m.equals(want)) {
                        if (f.equals("metadata")) {
                            name = p.getText();
                        } else {
                            phase = p.getText();
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return new String[]{name, phase};
    }

    private void onLine(String line) {
        if (line.isEmpty()) {
            return;
        }
        String type = null;
        String[] pod = null;
        try (JsonParser p = JSON.createParser(line)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (f.equals("type")) {
                    type = p.getText();
                } else if (f.equals("object") && t == JsonToken.START_OBJECT) {
                    pod = readPod(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return; // not an event line
        }
        if (type == null || pod == null || pod[0] == null) {
            return;
        }
        synchronized (this) {
            switch (type) {
                case "ADDED", "MODIFIED" -> {
                    pods.add(pod[0]);
                    if ("Running".equals(pod[1])) {
                        running.add(pod[0]);
                    } else {
                        running.remove(pod[0]);
                    }
                }
                case "DELETED" -> {
                    pods.remove(pod[0]);
                    running.remove(pod[0]);
                }
                default -> {
                    // ERROR (e.g. 410 Gone): the stream ends next, and the counter lists again
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<Void> w = watch;
        if (w != null) {
            w.cancel(true);
        }
    }
}
