package io.kube4j.apiserver.registry.cache;

import io.kube4j.storage.ForwardingStorage;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import io.kube4j.storage.WatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A memory store whose watches a test can end the way a remote store ends them (the listener hears
 * {@link WatchListener#onTerminated}), and whose lists a test can make fail, as while the store is
 * unreachable. Everything else goes to the wrapped store. Thread-safe.
 */
final class EndableWatchStorage extends ForwardingStorage {
    private final List<Open> open = new ArrayList<>();
    private volatile boolean listsFail;
    private volatile int lists;

    private record Open(AutoCloseable handle, Consumer<WatchEvent> listener) {
    }

    EndableWatchStorage(Storage store) {
        super(store);
    }

    /** Ends every open watch with {@code cause}: no event after this reaches its listener. */
    void endWatches(StorageException cause) throws Exception {
        List<Open> ending;
        synchronized (open) {
            ending = List.copyOf(open);
            open.clear();
        }
        for (Open o : ending) {
            o.handle().close();
            if (o.listener() instanceof WatchListener wl) {
                wl.onTerminated(cause);
            }
        }
    }

    void listsFail(boolean fail) {
        listsFail = fail;
    }

    int lists() {
        return lists;
    }

    int openWatches() {
        synchronized (open) {
            return open.size();
        }
    }

    @Override
    public ListResult list(String prefix, String startAfter, int limit, long revision) {
        lists++;
        if (listsFail) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, prefix, 0, "store unreachable");
        }
        return store.list(prefix, startAfter, limit, revision);
    }

    @Override
    public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        AutoCloseable handle = store.watch(prefix, afterRevision, listener);
        Open o = new Open(handle, listener);
        synchronized (open) {
            open.add(o);
        }
        return () -> {
            synchronized (open) {
                open.remove(o);
            }
            handle.close();
        };
    }
}
