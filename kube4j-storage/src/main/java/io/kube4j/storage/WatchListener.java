package io.kube4j.storage;

import java.util.function.Consumer;

/**
 * A watch listener that also hears when a backend ends the watch on its own. In-process backends never do;
 * a remote one (etcd) does when the history a broken stream would resume from has been compacted meanwhile:
 * the events in between are lost, so the caller must list again and watch from the new revision. Passed to
 * {@link Storage#watch} in place of a plain consumer; the same threading rules apply.
 */
public interface WatchListener extends Consumer<WatchEvent> {

    /** The watch has ended and no event follows; {@code cause} is COMPACTED or UNAVAILABLE. */
    default void onTerminated(StorageException cause) {
    }
}
