package io.kube4j.node.simulated;

import io.fabric8.kubernetes.api.model.Pod;
import io.kube4j.apimachinery.time.GoDurations;

import java.time.Duration;
import java.util.Map;

/**
 * What the containers of a pod on a simulated node do: they start {@code startDelay} after the node first sees the
 * pod, become ready {@code readyAfter} after they start (never when null), and, when {@code exitAfter} is set, exit
 * with {@code exitCode} that long after each start (restarted as the pod's restartPolicy says). A pod overrides the
 * node's script with annotations ({@link #START_DELAY}, {@link #READY_AFTER}, {@link #EXIT_AFTER},
 * {@link #EXIT_CODE}), so a Job test can make its pods fail without any node option. Immutable.
 */
public record PodScript(Duration startDelay, Duration readyAfter, Duration exitAfter, int exitCode) {
    public static final String START_DELAY = "kube4j.io/simulated-start-delay";
    /** A Go duration, or {@code never}. */
    public static final String READY_AFTER = "kube4j.io/simulated-ready-after";
    /** A Go duration, or {@code never}. */
    public static final String EXIT_AFTER = "kube4j.io/simulated-exit-after";
    public static final String EXIT_CODE = "kube4j.io/simulated-exit-code";

    /** Containers start at once, are ready at once and run until the pod is deleted. */
    public static final PodScript DEFAULT = new PodScript(Duration.ZERO, Duration.ZERO, null, 0);

    public PodScript withStartDelay(Duration d) {
        return new PodScript(d, readyAfter, exitAfter, exitCode);
    }

    public PodScript withReadyAfter(Duration d) {
        return new PodScript(startDelay, d, exitAfter, exitCode);
    }

    public PodScript withExit(Duration after, int code) {
        return new PodScript(startDelay, readyAfter, after, code);
    }

    /** This script with the pod's annotations applied; an annotation that does not parse is ignored. */
    public PodScript forPod(Pod pod) {
        Map<String, String> a = pod.getMetadata().getAnnotations();
        if (a == null || a.isEmpty()) {
            return this;
        }
        PodScript s = this;
        s = s.withStartDelay(duration(a.get(START_DELAY), startDelay));
        s = s.withReadyAfter(duration(a.get(READY_AFTER), readyAfter));
        Duration exit = duration(a.get(EXIT_AFTER), exitAfter);
        int code = exitCode;
        try {
            if (a.get(EXIT_CODE) != null) {
                code = Integer.parseInt(a.get(EXIT_CODE).strip());
            }
        } catch (NumberFormatException ignored) {
            // keep the node's code
        }
        if (a.get(EXIT_CODE) != null && exit == null) {
            exit = Duration.ZERO;
        }
        return s.withExit(exit, code);
    }

    private static Duration duration(String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        if (text.strip().equals("never")) {
            return null;
        }
        try {
            Duration d = GoDurations.parse(text);
            return d.isNegative() ? fallback : d;
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
