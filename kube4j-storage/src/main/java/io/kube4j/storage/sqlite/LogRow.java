package io.kube4j.storage.sqlite;

import io.kube4j.storage.KeyValue;

/**
 * One row of the {@code kv} table: a write at revision {@code id}. The newest row of a key is its
 * current state; a row with {@code deleted} set is a tombstone and keeps no value.
 */
record LogRow(long id, String key, boolean created, boolean deleted, long createRevision, long prevRevision,
              byte[] value) {

    KeyValue toKeyValue() {
        return new KeyValue(key, value, createRevision, id);
    }
}
