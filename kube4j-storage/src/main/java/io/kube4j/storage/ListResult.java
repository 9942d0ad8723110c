package io.kube4j.storage;

import java.util.List;

/**
 * A page of a range read.
 *
 * @param revision the store revision the page was read at
 * @param more     whether keys after the last returned one exist
 */
public record ListResult(List<KeyValue> items, long revision, boolean more) {
}
