package io.kube4j.scheduler.framework;

/** The outcome kinds of a plugin call, upstream's status codes. */
public enum Code {
    SUCCESS,
    /** An internal error: the pod is retried after back-off. */
    ERROR,
    /** Does not fit now; preemption might help. */
    UNSCHEDULABLE,
    /** Does not fit, and evicting pods would not change that. */
    UNSCHEDULABLE_AND_UNRESOLVABLE,
    /** The plugin has nothing to say about this pod. */
    SKIP
}
