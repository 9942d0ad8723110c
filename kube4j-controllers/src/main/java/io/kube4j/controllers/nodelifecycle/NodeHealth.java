package io.kube4j.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the controller last heard from each node, by its own clock (so skew between node and controller does not
 * matter): the probe time moves to "now" whenever the node's Ready heartbeat or its Lease's renewTime changes, as
 * upstream's node health map does. A node first seen gets a full grace period from then; one that never posted a
 * Ready condition counts from its creation. Thread-safe; each node is updated by the worker holding its key.
 */
final class NodeHealth {
    private record Seen(String readyHeartbeat, ZonedDateTime leaseRenew, Instant probe) {
    }

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /** Records what the node and its Lease say now; returns the probe time (when the node was last heard from). */
    Instant observe(Node node, Lease lease, Instant now) {
        String name = node.getMetadata().getName();
        NodeCondition ready = NodeConditions.find(node, "Ready");
        String heartbeat = ready == null ? null : String.valueOf(ready.getLastHeartbeatTime());
        ZonedDateTime renew = lease == null || lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
        Seen old = seen.get(name);
        Instant probe;
        if (old == null) {
            probe = ready == null && renew == null && node.getMetadata().getCreationTimestamp() != null
                    ? Instant.parse(node.getMetadata().getCreationTimestamp()) : now;
        } else {
            probe = old.probe();
            if (ready != null && !heartbeat.equals(old.readyHeartbeat())) {
                probe = now;
            }
            if (renew != null && (old.leaseRenew() == null || old.leaseRenew().isBefore(renew))) {
                probe = now;
            }
        }
        seen.put(name, new Seen(heartbeat, renew, probe));
        return probe;
    }

    void forget(String node) {
        seen.remove(node);
    }
}
