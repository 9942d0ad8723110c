package io.kube4j.storage.memory;

import io.kube4j.storage.KeyValue;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import io.kube4j.storage.WatchHub;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A multi-version store held in memory, for tests and {@code --storage memory}. Each key keeps its
 * versions since the last compaction; a deleted key keeps a tombstone. Thread-safe through one lock.
 */
public final class MemoryStorage implements Storage {
    private record Version(long revision, long createRevision, byte[] value) {
        boolean tombstone() {
            return value == null;
        }
    }

    private final NavigableMap<String, List<Version>> data = new TreeMap<>();
    private final List<WatchEvent> log = new ArrayList<>();
    private final WatchHub hub = new WatchHub();
    private long revision;
    private long compacted;

    private Version latest(String key) {
        List<Version> vs = data.get(key);
        return vs == null || vs.isEmpty() ? null : vs.get(vs.size() - 1);
    }

    // Values leave the store as copies: callers may not change stored history through them.
    private KeyValue kv(String key, Version v) {
        return new KeyValue(key, v.value.clone(), v.createRevision, v.revision);
    }

    @Override
    public synchronized KeyValue create(String key, byte[] value) {
        Version cur = latest(key);
        if (cur != null && !cur.tombstone()) {
            throw StorageException.keyExists(key);
        }
        long rev = ++revision;
        Version v = new Version(rev, rev, value.clone());
        data.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
        KeyValue kv = kv(key, v);
        emit(new WatchEvent(WatchEvent.Type.ADDED, kv, null));
        return kv(key, v);
    }

    @Override
    public synchronized KeyValue get(String key) {
        Version v = latest(key);
        return v == null || v.tombstone() ? null : kv(key, v);
    }

    @Override
    public synchronized ListResult list(String prefix, String startAfter, int limit, long atRevision) {
        // A revision above the current one reads the latest state and reports the revision read.
        long at = atRevision <= 0 ? revision : Math.min(atRevision, revision);
        if (atRevision > 0 && atRevision < compacted) {
            throw StorageException.compacted(atRevision, compacted);
        }
        List<KeyValue> out = new ArrayList<>();
        // A startAfter that sorts before the prefix must not skip the prefix's keys.
        boolean fromPrefix = startAfter == null || startAfter.compareTo(prefix) < 0;
        String from = fromPrefix ? prefix : startAfter;
        boolean inclusive = fromPrefix;
        boolean more = false;
        for (Map.Entry<String, List<Version>> e : data.tailMap(from, inclusive).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            Version v = versionAt(e.getValue(), at);
            if (v == null || v.tombstone()) {
                continue;
            }
            if (limit > 0 && out.size() == limit) {
                more = true;
                break;
            }
            out.add(kv(e.getKey(), v));
        }
        return new ListResult(out, at, more);
    }

    private static Version versionAt(List<Version> vs, long at) {
        for (int i = vs.size() - 1; i >= 0; i--) {
            if (vs.get(i).revision <= at) {
                return vs.get(i);
            }
        }
        return null;
    }

    @Override
    public synchronized KeyValue update(String key, long expectedModRevision, byte[] value) {
        Version cur = latest(key);
        if (cur == null || cur.tombstone()) {
            throw StorageException.notFound(key);
        }
        if (cur.revision != expectedModRevision) {
            throw StorageException.conflict(key, cur.revision);
        }
        long rev = ++revision;
        Version v = new Version(rev, cur.createRevision, value.clone());
        data.get(key).add(v);
        KeyValue kv = kv(key, v);
        emit(new WatchEvent(WatchEvent.Type.MODIFIED, kv, kv(key, cur)));
        return kv(key, v);
    }

    @Override
    public synchronized KeyValue delete(String key, long expectedModRevision) {
        Version cur = latest(key);
        if (cur == null || cur.tombstone()) {
            throw StorageException.notFound(key);
        }
        if (expectedModRevision != 0 && cur.revision != expectedModRevision) {
            throw StorageException.conflict(key, cur.revision);
        }
        long rev = ++revision;
        data.get(key).add(new Version(rev, cur.createRevision, null));
        KeyValue gone = new KeyValue(key, cur.value, cur.createRevision, rev);
        emit(new WatchEvent(WatchEvent.Type.DELETED, gone, kv(key, cur)));
        return new KeyValue(key, cur.value.clone(), cur.createRevision, rev);
    }

    private void emit(WatchEvent e) {
        log.add(e);
        hub.publish(e);
    }

    @Override
    public synchronized AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        if (afterRevision < compacted) {
            throw StorageException.compacted(afterRevision + 1, compacted);
        }
        int start = firstIndexAfter(afterRevision);
        for (int i = start; i < log.size(); i++) {
            WatchEvent e = log.get(i);
            if (e.kv().key().startsWith(prefix)) {
                try {
                    listener.accept(e);
                } catch (RuntimeException ex) {
                    // as for live events: a failing listener loses this event only
                }
            }
        }
        // A watch from a revision not reached yet must skip live changes up to it.
        return hub.register(prefix, e -> {
            if (e.revision() > afterRevision) {
                listener.accept(e);
            }
        });
    }

    private int firstIndexAfter(long rev) {
        int lo = 0;
        int hi = log.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (log.get(mid).revision() <= rev) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public synchronized long currentRevision() {
        return revision;
    }

    @Override
    public synchronized void compact(long rev) {
        if (rev <= compacted) {
            return;
        }
        long target = Math.min(rev, revision);
        var it = data.entrySet().iterator();
        while (it.hasNext()) {
            List<Version> vs = it.next().getValue();
            int keepFrom = 0;
            for (int i = vs.size() - 1; i >= 0; i--) {
                if (vs.get(i).revision <= target) {
                    keepFrom = i;
                    break;
                }
            }
            if (keepFrom > 0) {
                vs.subList(0, keepFrom).clear();
            }
            if (vs.size() == 1 && vs.get(0).tombstone() && vs.get(0).revision <= target) {
                it.remove();
            }
        }
        log.subList(0, firstIndexAfter(target)).clear();
        compacted = target;
    }

    @Override
    public synchronized long compactedRevision() {
        return compacted;
    }

    @Override
    public void close() {
    }
}
