package io.kube4j.apimachinery.cron;

/**
 * A schedule that {@link CronSchedule#parse} rejects. The message is the one the Kubernetes API
 * server reports for {@code spec.schedule} (the wording of the cron library upstream uses).
 */
public final class CronSyntaxException extends IllegalArgumentException {
    public CronSyntaxException(String message) {
        super(message);
    }
}
