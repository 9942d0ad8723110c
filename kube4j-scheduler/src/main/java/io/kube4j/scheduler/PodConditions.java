package io.kube4j.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The PodScheduled condition the scheduler writes when a pod does not fit (status False, reason Unschedulable or
 * SchedulerError, the FailedScheduling message), as a strategic merge patch of pods/status. Pure functions.
 */
final class PodConditions {
    static final String UNSCHEDULABLE = "Unschedulable";
    static final String SCHEDULER_ERROR = "SchedulerError";

    private PodConditions() {
    }

    /** True when the pod does not carry this condition yet (status, reason and message all equal). */
    static boolean needsUpdate(Pod pod, String reason, String message) {
        PodCondition c = current(pod);
        return c == null || !"False".equals(c.getStatus()) || !reason.equals(c.getReason())
                || !message.equals(c.getMessage());
    }

    /**
     * The patch body; the transition time stays the old one when the condition already was False, since only a
     * status change is a transition.
     */
    static String patch(Pod pod, String reason, String message, Instant now) {
        PodCondition c = current(pod);
        String transition = c != null && "False".equals(c.getStatus()) && c.getLastTransitionTime() != null
                ? c.getLastTransitionTime()
                : DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
        return "{\"status\":{\"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"False\",\"lastProbeTime\":null,"
                + "\"lastTransitionTime\":" + json(transition) + ",\"reason\":" + json(reason) + ",\"message\":"
                + json(message) + "}]}}";
    }

    private static PodCondition current(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return null;
        }
        return pod.getStatus().getConditions().stream().filter(x -> "PodScheduled".equals(x.getType())).findFirst()
                .orElse(null);
    }

    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
