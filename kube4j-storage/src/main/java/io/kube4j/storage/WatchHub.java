package io.kube4j.storage;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Fans committed events out to watchers, for backends that see every write in-process. A backend
 * calls {@link #publish} in revision order while holding its write lock, and {@link #register}
 * under the same lock after replaying history, so no event is lost or seen twice. (A backend that
 * replays from disk may instead register first, under the lock, and hold live events back until
 * the replay is done, as the SQLite backend does.) Thread-safe; listeners run on the publishing
 * thread.
 */
public final class WatchHub {
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();

    private record Watcher(String prefix, Consumer<WatchEvent> listener) {
    }

    /** Delivers {@code event} to every watcher whose prefix covers its key. */
    public void publish(WatchEvent event) {
        for (Watcher w : watchers) {
            if (event.kv().key().startsWith(w.prefix)) {
                try {
                    w.listener.accept(event);
                } catch (RuntimeException e) {
                    // a failing listener must not stop delivery to the others
                }
            }
        }
    }

    /** Registers a watcher; the returned handle unregisters it. */
    public AutoCloseable register(String prefix, Consumer<WatchEvent> listener) {
        Watcher w = new Watcher(prefix, listener);
        watchers.add(w);
        return () -> watchers.remove(w);
    }

    public int size() {
        return watchers.size();
    }
}
