package io.kube4j.apiserver.registry;

import io.kube4j.apimachinery.fields.FieldSelector;
import io.kube4j.apimachinery.labels.LabelSelector;

/**
 * Query options of LIST and WATCH, parsed from the request.
 *
 * @param resourceVersion      "" (most recent, consistent), "0" (any), or an exact revision
 * @param resourceVersionMatch "", "NotOlderThan" or "Exact"
 * @param limit                0 for no limit
 */
public record ListOptions(LabelSelector labelSelector, FieldSelector fieldSelector, long limit,
                          String continueToken, String resourceVersion, String resourceVersionMatch,
                          boolean allowWatchBookmarks, long timeoutSeconds, boolean sendInitialEvents) {
    public static ListOptions all() {
        return new ListOptions(LabelSelector.everything(), FieldSelector.everything(), 0, null, "", "", false, 0, false);
    }

    public static ListOptions labels(LabelSelector selector) {
        return new ListOptions(selector, FieldSelector.everything(), 0, null, "", "", false, 0, false);
    }
}
