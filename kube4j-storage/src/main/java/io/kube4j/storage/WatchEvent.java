package io.kube4j.storage;

/**
 * A change seen by a watch. For {@link Type#DELETED}, {@code kv} is the last value with the
 * revision of the delete as its {@code modRevision}; {@code prev} is the value before the change
 * (null on create).
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prev) {
    public enum Type { ADDED, MODIFIED, DELETED }

    public long revision() {
        return kv.modRevision();
    }
}
