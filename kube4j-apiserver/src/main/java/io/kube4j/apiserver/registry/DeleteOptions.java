package io.kube4j.apiserver.registry;

/**
 * Options of DELETE.
 *
 * @param gracePeriodSeconds null for the resource's default
 * @param propagationPolicy  null, "Orphan", "Background" or "Foreground"
 */
public record DeleteOptions(Long gracePeriodSeconds, String preconditionUid, String preconditionResourceVersion,
                            String propagationPolicy, boolean dryRun) {
    public static DeleteOptions defaults() {
        return new DeleteOptions(null, null, null, null, false);
    }
}
