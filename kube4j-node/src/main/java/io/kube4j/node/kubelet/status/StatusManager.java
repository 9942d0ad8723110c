package io.kube4j.node.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes pod statuses to the API server's pods/status subresource, only when they changed since the last write. The
 * write is a merge patch of the whole status (lists are replaced whole) with the pod's uid as a precondition, so a
 * status never lands on a newer pod of the same name. Thread-safe; called from pod workers.
 */
public final class StatusManager {
    private static final Logger LOG = LoggerFactory.getLogger(StatusManager.class);

    private final KubernetesClient client;
    private final Map<String, PodStatus> sent = new ConcurrentHashMap<>();

    public StatusManager(KubernetesClient client) {
        this.client = client;
    }

    /** Sends the status if it differs from what this kubelet last sent for the pod; returns true when it wrote. */
    public boolean set(Pod pod, PodStatus status) {
        String uid = pod.getMetadata().getUid();
        PodStatus last = sent.get(uid);
        if (last != null && last.equals(status)) {
            return false;
        }
        if (last == null && status.equals(pod.getStatus())) {
            sent.put(uid, status);
            return false;
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", Map.of("uid", uid));
        patch.put("status", status);
        try {
            client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(patch));
            sent.put(uid, status);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                LOG.warn("status of pod {}/{} not written: {}", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), e.getMessage());
            }
            return false;
        }
    }

    public PodStatus lastSent(String uid) {
        return sent.get(uid);
    }

    public void forget(String uid) {
        sent.remove(uid);
    }
}
