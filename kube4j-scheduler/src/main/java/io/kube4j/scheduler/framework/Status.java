package io.kube4j.scheduler.framework;

import java.util.List;

/**
 * What a plugin call returned: a code, the reasons users read (each counted separately in FailedScheduling
 * messages) and the plugin that said so. Immutable.
 */
public record Status(Code code, List<String> reasons, String plugin) {
    public static final Status SUCCESS = new Status(Code.SUCCESS, List.of(), "");
    public static final Status SKIP = new Status(Code.SKIP, List.of(), "");

    public Status {
        reasons = List.copyOf(reasons);
    }

    public static Status unschedulable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE, List.of(reasons), "");
    }

    public static Status unresolvable(String... reasons) {
        return new Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, List.of(reasons), "");
    }

    public static Status error(String message) {
        return new Status(Code.ERROR, List.of(message), "");
    }

    public boolean isSuccess() {
        return code == Code.SUCCESS;
    }

    /** Unschedulable, resolvable or not. */
    public boolean isRejected() {
        return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
    }

    public Status withPlugin(String name) {
        return new Status(code, reasons, name);
    }

    /** The reasons joined as upstream's Status.Message does. */
    public String message() {
        return String.join(", ", reasons);
    }
}
