package io.kube4j.client.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Posts core/v1 Events for a component (the kubelet, a controller, the scheduler), as upstream's recorder does: the
 * component and its host as the source, and a repeat of the same event (same object, field path, reason and
 * message) raises the count of the earlier Event instead of creating a new one. Writes go out on a background
 * thread so a sync never waits on them.
 * Thread-safe.
 */
public final class EventRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int REMEMBERED = 4096;

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("events").factory());
    private final Map<String, Event> recent = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > REMEMBERED;
        }
    };

    public EventRecorder(KubernetesClient client, String component, String host, Clock clock) {
        this.client = client;
        this.component = component;
        this.host = host;
        this.clock = clock;
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

    public void record(HasMetadata obj, String fieldPath, String type, String reason, String message) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
        String ns = obj.getMetadata().getNamespace() == null ? "default" : obj.getMetadata().getNamespace();
        String key = obj.getMetadata().getUid() + "|" + fieldPath + "|" + type + "|" + reason + "|" + message;
        // the queued write keeps only the reference, not the object: a backlog of events (one a pod while
        // thousands are scheduled) would otherwise hold a copy of every pod until its event is written
        ObjectReference involved = new ObjectReferenceBuilder().withKind(obj.getKind())
                .withApiVersion(obj.getApiVersion()).withNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName()).withUid(obj.getMetadata().getUid()).withFieldPath(fieldPath)
                .build();
        writer.execute(() -> {
            try {
                Event previous;
                synchronized (recent) {
                    previous = recent.get(key);
                }
                Event saved;
                if (previous != null) {
                    int count = previous.getCount() == null ? 2 : previous.getCount() + 1;
                    saved = client.v1().events().inNamespace(ns).withName(previous.getMetadata().getName())
                            .edit(e -> new EventBuilder(e).withCount(count).withLastTimestamp(now).build());
                } else {
                    Event e = new EventBuilder()
                            .withNewMetadata().withNamespace(ns)
                            .withName(involved.getName() + "." + Long.toHexString(System.nanoTime()
                                    ^ (System.currentTimeMillis() << 20)))
                            .endMetadata()
                            .withInvolvedObject(involved)
                            .withType(type).withReason(reason).withMessage(message)
                            .withNewSource().withComponent(component).withHost(host).endSource()
                            .withReportingComponent(component).withReportingInstance(host)
                            .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                            .build();
                    saved = client.v1().events().inNamespace(ns).resource(e).create();
                }
                synchronized (recent) {
                    recent.put(key, saved);
                }
            } catch (RuntimeException e) {
                LOG.debug("event {} {} not recorded: {}", reason, message, e.toString());
                synchronized (recent) {
                    recent.remove(key);
                }
            }
        });
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
