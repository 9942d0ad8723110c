package io.kube4j.client.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts core/v1 Events for a component (the kubelet, a controller, the scheduler), as upstream's recorder does: the
 * component and its host as the source, and a repeat of the same event (same object, field path, type, reason and
 * message) raises the count and lastTimestamp of the earlier Event instead of creating a new one.
 * <p>
 * Callers never wait on the API server. Each distinct event is one entry; entries wait in a bounded queue
 * ({@link #DEFAULT_QUEUE_LENGTH}, as upstream's broadcaster) and a new event that finds the queue full is dropped and
 * counted ({@link #dropped()}), as upstream drops rather than blocks. A few writer threads send the entries, so
 * several writes are in flight at once; an entry is held by one writer at a time, so the create of an Event always
 * reaches the server before the patches raising its count. Repeats that arrive while an entry waits or is being
 * written fold into its next write, which carries the latest count and lastTimestamp. The writers send the JSON
 * themselves and read only the status code: nothing of the returned Event is needed, since the recorder keeps the
 * name and count it wrote.
 * <p>
 * As upstream's correlator, each occurrence first passes the spam filter ({@link EventSpamFilter}: 25 events per
 * involved object, then one every five minutes). An occurrence the filter skips is still counted, so the next
 * occurrence that is written carries it in its count, as upstream's does; {@link #filtered()} counts them.
 * <p>
 * Thread-safe.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    /** How many distinct events are remembered for aggregation, as upstream's correlator cache. */
    private static final int REMEMBERED = 4096;
    /** Upstream's broadcaster queue length. */
    public static final int DEFAULT_QUEUE_LENGTH = 1000;
    private static final int WRITERS = 4;
    private static final long REQUEST_TIMEOUT_SECONDS = 30;
    private static final long CLOSE_WAIT_MILLIS = 5000;
    private static final Pending STOP = new Pending(null, null, null, null, null, null, null);

    private final KubernetesClient client;
    private final HttpClient http;
    private final String apiBase;
    private final String component;
    private final String host;
    private final Clock clock;
    private final int queueLength;
    /** Entries to write; its length is bounded by {@link #queued} rather than by the queue, so close can always stop. */
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>(WRITERS);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private final EventSpamFilter spamFilter;
    /** Guarded by itself; also guards every Pending's mutable fields and {@link #queued} and {@link #closed}. */
    private final Map<String, Pending> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
            return size() > REMEMBERED;
        }
    };
    private int queued;
    private boolean closed;

    public EventRecorder(KubernetesClient client, String component, String host, Clock clock) {
        this(client, component, host, clock, DEFAULT_QUEUE_LENGTH);
    }

    /** With a queue of {@code queueLength} distinct events; tests use a short one. */
    public EventRecorder(KubernetesClient client, String component, String host, Clock clock, int queueLength) {
        this.client = client;
        this.http = client.getHttpClient();
        String master = client.getMasterUrl().toString();
        this.apiBase = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
        this.component = component;
        this.host = host;
        this.clock = clock;
        this.queueLength = queueLength;
        this.spamFilter = new EventSpamFilter(clock);
        for (int i = 0; i < WRITERS; i++) {
            writers.add(Thread.ofVirtual().name("events-" + i).start(this::writeLoop));
        }
    }

    public void normal(HasMetadata obj, String fieldPath, String reason, String message) {
        record(obj, fieldPath, "Normal", reason, message);
    }

    public void warning(HasMetadata obj, String fieldPath, String reason, String message) {
        record(obj, fieldPath, "Warning", reason, message);
    }

    /** The field path upstream uses for a container: {@code spec.containers{name}} or {@code spec.initContainers{name}}. */
    public static String containerPath(boolean init, String name) {
        return (init ? "spec.initContainers{" : "spec.containers{") + name + "}";
    }

    /** How many events were dropped because the queue was full or the recorder closed. */
    public long dropped() {
        return dropped.get();
    }

    /** How many occurrences the spam filter kept from being written (they still count in later writes). */
    public long filtered() {
        return filtered.get();
    }

    public void record(HasMetadata obj, String fieldPath, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        String key = obj.getMetadata().getUid() + "|" + fieldPath + "|" + type + "|" + reason + "|" + message;
        // upstream's spam key: the source (this recorder) and the object, whatever the reason or message
        String spamKey = obj.getKind() + "|" + obj.getMetadata().getNamespace() + "|" + obj.getMetadata().getName()
                + "|" + obj.getMetadata().getUid() + "|" + obj.getApiVersion();
        boolean drop;
        synchronized (recent) {
            Pending e = closed ? null : recent.get(key);
            boolean skip = !closed && !spamFilter.tryAccept(spamKey);
            if (skip) {
                filtered.incrementAndGet();
            }
            if (closed) {
                drop = true;
            } else if (e != null) {
                e.count++;
                e.lastTimestamp = now;
                e.dirty |= !skip;
                drop = !skip && !e.queued && !e.writing && !enqueue(e);
            } else {
                String ns = obj.getMetadata().getNamespace() == null ? "default" : obj.getMetadata().getNamespace();
                // the entry keeps only the reference, not the object: a backlog of events (one a pod while
                // thousands are scheduled) would otherwise hold a copy of every pod until its event is written
                ObjectReference involved = new ObjectReferenceBuilder().withKind(obj.getKind())
                        .withApiVersion(obj.getApiVersion()).withNamespace(obj.getMetadata().getNamespace())
                        .withName(obj.getMetadata().getName()).withUid(obj.getMetadata().getUid())
                        .withFieldPath(fieldPath).build();
                String name = involved.getName() + "."
                        + Long.toHexString(System.nanoTime() ^ (System.currentTimeMillis() << 20));
                e = new Pending(key, ns, name, involved, type, reason, message);
                e.count = 1;
                e.firstTimestamp = now;
                e.lastTimestamp = now;
                e.dirty = !skip;
                // a skipped first occurrence is remembered unwritten: the next written one creates the Event
                drop = !skip && !enqueue(e);
                if (!drop) {
                    recent.put(key, e);
                }
            }
        }
        if (drop) {
            long n = dropped.incrementAndGet();
            // one line at each power of two keeps a long overload from flooding the log
            if (Long.bitCount(n) == 1) {
                LOG.warn("event queue full, dropped {} events so far (latest {} {})", n, reason, message);
            } else {
                LOG.debug("event queue full, dropped {} {}", reason, message);
            }
        }
    }

    /** How many entries wait for a writer (tests wait on it to know every writer holds one). */
    int waiting() {
        synchronized (recent) {
            return queued;
        }
    }

    /** Caller holds {@code recent}. */
    private boolean enqueue(Pending e) {
        if (queued >= queueLength) {
            return false;
        }
        queued++;
        e.queued = true;
        queue.add(e);
        return true;
    }

    private void writeLoop() {
        while (true) {
            Pending e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                return;
            }
            if (e == STOP) {
                return;
            }
            write(e);
        }
    }

    private void write(Pending e) {
        boolean create;
        int count;
        String first;
        String last;
        synchronized (recent) {
            queued--;
            e.queued = false;
            e.writing = true;
            e.dirty = false;
            create = !e.created;
            count = e.count;
            first = e.firstTimestamp;
            last = e.lastTimestamp;
        }
        boolean ok = false;
        try {
            HttpRequest request;
            String events = apiBase + "/api/v1/namespaces/" + e.namespace + "/events";
            if (create) {
                Event event = new EventBuilder()
                        .withNewMetadata().withNamespace(e.namespace).withName(e.name).endMetadata()
                        .withInvolvedObject(e.involved)
                        .withType(e.type).withReason(e.reason).withMessage(e.message)
                        .withNewSource().withComponent(component).withHost(host).endSource()
                        .withReportingComponent(component).withReportingInstance(host)
                        .withFirstTimestamp(first).withLastTimestamp(last).withCount(count)
                        .build();
                request = http.newHttpRequestBuilder().uri(events)
                        .timeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .post("application/json", client.getKubernetesSerialization().asJson(event)).build();
            } else {
                // count and lastTimestamp are the only fields a repeat changes
                String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + last + "\"}";
                request = http.newHttpRequestBuilder().uri(events + "/" + e.name)
                        .timeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .patch("application/merge-patch+json", patch).build();
            }
            HttpResponse<byte[]> response = http.sendAsync(request, byte[].class).get();
            ok = response.isSuccessful();
            if (!ok) {
                LOG.debug("event {} {} not recorded: HTTP {}", e.reason, e.message, response.code());
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (Exception ex) {
            LOG.debug("event {} {} not recorded: {}", e.reason, e.message, ex.toString());
        }
        synchronized (recent) {
            e.writing = false;
            if (ok) {
                e.created = true;
                // repeats the spam filter let through while this write was in flight go out in one more write
                if (e.dirty && !closed && !enqueue(e)) {
                    dropped.incrementAndGet();
                }
            } else {
                // forget it so the next occurrence creates a fresh Event, as before
                if (recent.get(e.key) == e) {
                    recent.remove(e.key);
                }
            }
        }
    }

    /**
     * Stops taking events and writes what is already queued, waiting up to five seconds; writes still pending
     * after that are abandoned.
     */
    @Override
    public void close() {
        synchronized (recent) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (int i = 0; i < WRITERS; i++) {
            queue.add(STOP);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        for (Thread t : writers) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) {
                    t.interrupt();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                writers.forEach(Thread::interrupt);
                return;
            }
        }
    }

    /** One distinct event; mutable fields are guarded by the recorder's {@code recent} map. */
    private static final class Pending {
        final String key;
        final String namespace;
        final String name;
        final ObjectReference involved;
        final String type;
        final String reason;
        final String message;
        int count;
        String firstTimestamp;
        String lastTimestamp;
        /** An occurrence the spam filter let through is not written yet. */
        boolean dirty;
        boolean created;
        boolean queued;
        boolean writing;

        Pending(String key, String namespace, String name, ObjectReference involved, String type, String reason,
              String message) {
            this.key = key;
            this.namespace = namespace;
            this.name = name;
            this.involved = involved;
            this.type = type;
            this.reason = reason;
            this.message = message;
        }
    }
}
