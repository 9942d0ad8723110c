package io.kube4j.storage;

import java.util.function.Consumer;

/**
 * A store that hands every call to another; tests extend it to change one or two calls (make watches endable, leave
 * a shared store open when a server closes it). As thread-safe as the wrapped store.
 */
public abstract class ForwardingStorage implements Storage {
    protected final Storage store;

    protected ForwardingStorage(Storage store) {
        this.store = store;
    }

    @Override
    public KeyValue create(String key, byte[] value) {
        return store.create(key, value);
    }

    @Override
    public KeyValue get(String key) {
        return store.get(key);
    }

    @Override
    public ListResult list(String prefix, String startAfter, int limit, long revision) {
        return store.list(prefix, startAfter, limit, revision);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        return store.update(key, expectedModRevision, value);
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        return store.delete(key, expectedModRevision);
    }

    @Override
    public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        return store.watch(prefix, afterRevision, listener);
    }

    @Override
    public long currentRevision() {
        return store.currentRevision();
    }

    @Override
    public void compact(long revision) {
        store.compact(revision);
    }

    @Override
    public long compactedRevision() {
        return store.compactedRevision();
    }

    @Override
    public void close() {
        store.close();
    }
}
