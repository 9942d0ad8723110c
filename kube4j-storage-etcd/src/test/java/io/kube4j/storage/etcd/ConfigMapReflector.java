package io.kube4j.storage.etcd;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client's view of the ConfigMaps of one namespace kept as client-go's reflector keeps it: list, then watch
 * from the list's resourceVersion (fabric8 resumes a broken watch from the last resourceVersion it saw), and
 * list again when the server answers 410 Gone. Records every event and every list, so a test can tell whether
 * a write was seen as an event, covered by a later list, or missed. Shared with the e2e fault tests. Thread-safe.
 */
public final class ConfigMapReflector implements AutoCloseable {
    /** One event as delivered. */
    public record Seen(String type, String name, long rv, String seq) {
    }

    /** One (re-)list: the resourceVersion it was read at and each object's resourceVersion. */
    public record Listing(long rv, Map<String, Long> objects) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final List<Seen> events = new CopyOnWriteArrayList<>();
    private final List<Listing> listings = new CopyOnWriteArrayList<>();
    private final Map<String, Long> state = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile int gone;
    private Watch watch;

    public ConfigMapReflector(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    public ConfigMapReflector start() {
        relist();
        return this;
    }

    private synchronized void relist() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        while (!closed) {
            try {
                ConfigMapList list = client.configMaps().inNamespace(namespace).list();
                long rv = Long.parseLong(list.getMetadata().getResourceVersion());
                Map<String, Long> objects = new HashMap<>();
                for (ConfigMap cm : list.getItems()) {
                    objects.put(cm.getMetadata().getName(), Long.parseLong(cm.getMetadata().getResourceVersion()));
                }
                state.clear();
                state.putAll(objects);
                listings.add(new Listing(rv, Map.copyOf(objects)));
                watch = client.configMaps().inNamespace(namespace)
                        .watch(new ListOptionsBuilder().withResourceVersion(Long.toString(rv)).build(), new Watcher<>() {
                            @Override
                            public void eventReceived(Action action, ConfigMap cm) {
                                if (action == Action.BOOKMARK || action == Action.ERROR) {
                                    return;
                                }
                                String name = cm.getMetadata().getName();
                                long at = Long.parseLong(cm.getMetadata().getResourceVersion());
                                events.add(new Seen(action.name(), name, at,
                                        cm.getData() == null ? null : cm.getData().get("seq")));
                                if (action == Action.DELETED) {
                                    state.remove(name);
                                } else {
                                    state.put(name, at);
                                }
                            }

                            @Override
                            public void onClose(WatcherException cause) {
                                if (!closed && cause.isHttpGone()) {
                                    gone++;
                                    Thread.ofVirtual().start(ConfigMapReflector.this::relist);
                                }
                            }
                        });
                return;
            } catch (RuntimeException e) {
                // the server is busy or re-listing itself: try again shortly
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public List<Seen> events() {
        return List.copyOf(events);
    }

    public List<Listing> listings() {
        return List.copyOf(listings);
    }

    /** The resourceVersion of each object as this client sees it now. */
    public Map<String, Long> state() {
        return Map.copyOf(state);
    }

    /** How many times the server answered 410 Gone. */
    public int gone() {
        return gone;
    }

    /**
     * The writes (name → resourceVersions, in order) this client neither saw as an event nor got from a list
     * read at or after them.
     */
    public List<String> missed(Map<String, List<Long>> acknowledged) {
        List<String> missed = new ArrayList<>();
        Map<String, List<Long>> seen = new HashMap<>();
        for (Seen s : events) {
            seen.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s.rv());
        }
        for (var e : acknowledged.entrySet()) {
            List<Long> got = seen.getOrDefault(e.getKey(), List.of());
            for (long rv : e.getValue()) {
                boolean asEvent = got.contains(rv);
                // a list read after the write holds it, a later version, or no object (deleted since)
                boolean listed = listings.stream().anyMatch(l -> l.rv() >= rv
                        && l.objects().getOrDefault(e.getKey(), Long.MAX_VALUE) >= rv);
                if (!asEvent && !listed) {
                    missed.add(e.getKey() + "@" + rv);
                }
            }
        }
        return missed;
    }

    /** Events that repeat a (name, resourceVersion) seen before, or go back for their object. */
    public List<String> repeatedOrOutOfOrder() {
        List<String> bad = new ArrayList<>();
        Map<String, Long> last = new HashMap<>();
        for (Seen s : events) {
            Long before = last.put(s.name(), s.rv());
            if (before != null && before >= s.rv()) {
                bad.add(s.name() + "@" + s.rv() + " after " + before);
            }
        }
        return bad;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
    }
}
