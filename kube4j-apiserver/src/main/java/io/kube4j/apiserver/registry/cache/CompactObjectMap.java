package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The children of one JSON object in the watch cache's trees: keys and values side by side in one array, in insertion
 * order, found by a linear scan. An API object is mostly small objects (a label map, a resource list, a condition),
 * and a LinkedHashMap costs about 56 bytes, a 16-slot table and 40 bytes per entry for each of them; this costs one
 * 32-byte header and 8 bytes per entry. Past {@value #MAX_INLINE} entries (a large ConfigMap's data) it moves its
 * entries into a LinkedHashMap, so lookups never scan more than that. Keeps LinkedHashMap's order and Map contract
 * (iterator removal, entry setValue). Not thread-safe, like the LinkedHashMap it replaces: cached trees are shared
 * read-only, and copies are changed by one thread.
 */
final class CompactObjectMap extends AbstractMap<String, JsonNode> {
    static final int MAX_INLINE = 16;

    /** key0, value0, key1, value1, ...; null once {@link #large} holds the entries. */
    private Object[] slots = new Object[4];
    private int size;
    private LinkedHashMap<String, JsonNode> large;
    private int modCount;

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            Object k = slots[2 * i];
            if (k == key || k.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean containsKey(Object key) {
        return large != null ? large.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    public JsonNode get(Object key) {
        if (large != null) {
            return large.get(key);
        }
        int i = indexOf(key);
        return i < 0 ? null : (JsonNode) slots[2 * i + 1];
    }

    @Override
    public JsonNode put(String key, JsonNode value) {
        Objects.requireNonNull(key, "key");
        if (large != null) {
            return large.put(key, value);
        }
        int i = indexOf(key);
        if (i >= 0) {
            JsonNode old = (JsonNode) slots[2 * i + 1];
            slots[2 * i + 1] = value;
            return old;
        }
        if (size == MAX_INLINE) {
            large = new LinkedHashMap<>();
            for (int j = 0; j < size; j++) {
                large.put((String) slots[2 * j], (JsonNode) slots[2 * j + 1]);
            }
            slots = null;
            size = 0;
            modCount++;
            return large.put(key, value);
        }
        if (2 * size == slots.length) {
            slots = Arrays.copyOf(slots, Math.min(2 * MAX_INLINE, slots.length < 8 ? slots.length * 2 : slots.length + 8));
        }
        slots[2 * size] = key;
        slots[2 * size + 1] = value;
        size++;
        modCount++;
        return null;
    }

    @Override
    public JsonNode remove(Object key) {
        if (large != null) {
            return large.remove(key);
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        JsonNode old = (JsonNode) slots[2 * i + 1];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        System.arraycopy(slots, 2 * i + 2, slots, 2 * i, 2 * (size - i - 1));
        size--;
        slots[2 * size] = null;
        slots[2 * size + 1] = null;
        modCount++;
    }

    @Override
    public void clear() {
        if (large != null) {
            large = null;
            slots = new Object[4];
        } else {
            Arrays.fill(slots, null);
        }
        size = 0;
        modCount++;
    }

    @Override
    public Set<Entry<String, JsonNode>> entrySet() {
        return large != null ? large.entrySet() : new Entries();
    }

    private final class Entries extends AbstractSet<Entry<String, JsonNode>> {
        @Override
        public int size() {
            return CompactObjectMap.this.size();
        }

        @Override
        public Iterator<Entry<String, JsonNode>> iterator() {
            if (large != null) {
                return large.entrySet().iterator();
            }
            return new Iterator<>() {
                private int next;
                private int last = -1;
                private int expected = modCount;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public Entry<String, JsonNode> next() {
                    if (expected != modCount) {
                        throw new ConcurrentModificationException();
                    }
                    if (next >= size) {
                        throw new NoSuchElementException();
                    }
                    last = next++;
                    return new Slot(last);
                }

                @Override
                public void remove() {
                    if (last < 0) {
                        throw new IllegalStateException();
                    }
                    if (expected != modCount) {
                        throw new ConcurrentModificationException();
                    }
                    removeAt(last);
                    next = last;
                    last = -1;
                    expected = modCount;
                }
            };
        }
    }

    /** An entry that reads and writes its slot; valid until the map changes structurally. */
    private final class Slot implements Entry<String, JsonNode> {
        private final int index;

        Slot(int index) {
            this.index = index;
        }

        @Override
        public String getKey() {
            return (String) slots[2 * index];
        }

        @Override
        public JsonNode getValue() {
            return (JsonNode) slots[2 * index + 1];
        }

        @Override
        public JsonNode setValue(JsonNode value) {
            JsonNode old = getValue();
            slots[2 * index + 1] = value;
            return old;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry<?, ?> e && Objects.equals(getKey(), e.getKey())
                    && Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
