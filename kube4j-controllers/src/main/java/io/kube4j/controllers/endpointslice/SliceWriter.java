package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link SliceReconciler.Plan} through the API (deletes first, so a slice freed of all its endpoints never
 * coexists with the new one holding them for long, then updates, then creates) and tells the {@link SliceTracker}
 * what it wrote. Called from the workers of the EndpointSlice and mirroring controllers; thread-safe.
 */
public final class SliceWriter {
    private static final Logger LOG = LoggerFactory.getLogger(SliceWriter.class);

    private final KubernetesClient client;
    private final SliceTracker tracker;
    private final String controller;

    public SliceWriter(KubernetesClient client, SliceTracker tracker, String controller) {
        this.client = client;
        this.tracker = tracker;
        this.controller = controller;
    }

    /** Applies the plan for the service; a failed write throws, so the key is retried with back-off. */
    public void apply(String serviceKey, SliceReconciler.Plan plan) {
        for (EndpointSlice s : plan.delete()) {
            try {
                client.discovery().v1().endpointSlices().inNamespace(s.getMetadata().getNamespace())
                        .withName(s.getMetadata().getName()).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
            }
            tracker.deleted(serviceKey, s);
        }
        for (EndpointSlice s : plan.update()) {
            try {
                tracker.written(serviceKey, client.discovery().v1().endpointSlices()
                        .inNamespace(s.getMetadata().getNamespace()).resource(s).update());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                // deleted under us (namespace going, or by hand): its delete event brings the service back
                tracker.deleted(serviceKey, s);
            }
        }
        for (EndpointSlice s : plan.create()) {
            try {
                tracker.written(serviceKey, client.discovery().v1().endpointSlices()
                        .inNamespace(s.getMetadata().getNamespace()).resource(s).create());
            } catch (KubernetesClientException e) {
                if (namespaceTerminating(e)) {
                    return;
                }
                throw e;
            }
        }
        if (!plan.isEmpty()) {
            LOG.debug("{} service={} created={} updated={} deleted={}", controller, serviceKey, plan.create().size(),
                    plan.update().size(), plan.delete().size());
        }
    }

    /** Upstream's NamespaceTerminatingCause on a 403: nothing to retry. */
    public static boolean namespaceTerminating(KubernetesClientException e) {
        return e.getCode() == 403 && e.getStatus() != null && e.getStatus().getDetails() != null
                && e.getStatus().getDetails().getCauses() != null && e.getStatus().getDetails().getCauses().stream()
                .anyMatch(c -> "NamespaceTerminating".equals(c.getReason()));
    }
}
