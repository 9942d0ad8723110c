package io.kube4j.apiserver.registry;

/**
 * Options of create, update and patch.
 *
 * @param fieldManager the manager named by the client, recorded in managedFields
 */
public record WriteOptions(boolean dryRun, String fieldManager) {
    public static WriteOptions defaults() {
        return new WriteOptions(false, null);
    }
}
