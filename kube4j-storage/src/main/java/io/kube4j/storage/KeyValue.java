package io.kube4j.storage;

/**
 * One stored value at a revision. {@code modRevision} becomes the object's resourceVersion.
 *
 * @param createRevision revision at which the key was created
 * @param modRevision    revision of the last write to the key
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
}
