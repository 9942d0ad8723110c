package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.client.KubernetesClient;

/** What a plugin may use besides its arguments: the API client and the profile's filters (for preemption). */
public interface FrameworkHandle {
    /** The API client; null in unit tests of plugins that do not call the API. */
    KubernetesClient client();

    /** Runs every filter plugin of the profile for the pod on the node; the first rejection wins. */
    Status runFilters(CycleState state, PodInfo pod, NodeInfo node);
}
