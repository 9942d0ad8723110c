package io.kube4j.scheduler.cache;

import io.fabric8.kubernetes.api.model.Node;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The scheduler's view of nodes and of the pods on them (upstream's internal cache). Pods the informer reports as
 * bound are added; a pod the scheduler has just placed is <em>assumed</em> on its node at once, so the next cycle
 * already counts it, and confirmed when the informer reports it bound, or forgotten when binding fails.
 * Each change of a node gives it a new generation and moves it to the newest end of an order by change, so a
 * snapshot update visits only the nodes changed since the snapshot's generation, as upstream's list of node infos
 * ordered by update does, instead of every node on each cycle.
 * Thread-safe: informer threads and the scheduling and binding threads share it under one lock.
 */
public final class SchedulerCache {
    private record PodState(PodInfo pod, String node, boolean assumed) {
    }

    /** Every node info in a stable order (first seen), which snapshots keep. */
    private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
    /** The same node infos, oldest change first: generations rise along it. */
    private final LinkedHashMap<String, NodeInfo> byChange = new LinkedHashMap<>();
    private final Map<String, PodState> pods = new HashMap<>();
    private long generation;
    private long nodeSetVersion;

    public synchronized void addNode(Node node) {
        String name = node.getMetadata().getName();
        NodeInfo n = nodes.computeIfAbsent(name, NodeInfo::new);
        if (n.node() == null) {
            nodeSetVersion++;
        }
        n.setNode(node, ++generation);
        changed(n);
    }

    /** Call after each generation change of {@code n}. */
    private void changed(NodeInfo n) {
        byChange.putLast(n.name(), n);
    }

    private void drop(String name) {
        nodes.remove(name);
        byChange.remove(name);
    }

    public synchronized void updateNode(Node node) {
        addNode(node);
    }

    public synchronized void removeNode(String name) {
        NodeInfo n = nodes.get(name);
        if (n == null) {
            return;
        }
        nodeSetVersion++;
        if (n.pods().isEmpty()) {
            drop(name);
            generation++;
        } else {
            // pods still bound to it are removed by their own delete events
            n.removeNode(++generation);
            changed(n);
        }
    }

    /** Places a pod on {@code node} before it is bound. */
    public synchronized void assumePod(PodInfo pod, String node) {
        if (pods.containsKey(pod.uid())) {
            throw new IllegalStateException("pod " + pod.key() + " is already in the cache");
        }
        NodeInfo n = nodes.computeIfAbsent(node, NodeInfo::new);
        n.addPod(pod, ++generation);
        changed(n);
        pods.put(pod.uid(), new PodState(pod, node, true));
    }

    /** Undoes {@link #assumePod} after a failed binding; a pod that was confirmed meanwhile stays. */
    public synchronized void forgetPod(String uid) {
        PodState s = pods.get(uid);
        if (s != null && s.assumed()) {
            removeFromNode(s);
            pods.remove(uid);
        }
    }

    public synchronized boolean isAssumed(String uid) {
        PodState s = pods.get(uid);
        return s != null && s.assumed();
    }

    /** A pod the informer reports on a node: confirms an assumed pod, or adds it. */
    public synchronized void addPod(PodInfo pod) {
        String node = pod.pod().getSpec().getNodeName();
        PodState s = pods.get(pod.uid());
        if (s != null) {
            removeFromNode(s);
        }
        NodeInfo n = nodes.computeIfAbsent(node, NodeInfo::new);
        n.addPod(pod, ++generation);
        changed(n);
        pods.put(pod.uid(), new PodState(pod, node, false));
    }

    public synchronized void updatePod(PodInfo pod) {
        addPod(pod);
    }

    public synchronized void removePod(String uid) {
        PodState s = pods.remove(uid);
        if (s != null) {
            removeFromNode(s);
        }
    }

    private void removeFromNode(PodState s) {
        NodeInfo n = nodes.get(s.node());
        if (n != null) {
            boolean removed = n.removePod(s.pod().uid(), ++generation);
            if (n.node() == null && n.pods().isEmpty()) {
                drop(s.node());
            } else if (removed) {
                changed(n); // only a node whose generation moved may go to the newest end
            }
        }
    }

    public synchronized int podCount() {
        return pods.size();
    }

    /** Copies into the snapshot every node changed since it was last updated, newest first. */
    public synchronized void updateSnapshot(Snapshot snap) {
        if (snap.generation == generation) {
            return;
        }
        boolean rebuild = snap.nodeSetVersion != nodeSetVersion;
        for (NodeInfo n : byChange.sequencedValues().reversed()) {
            if (n.generation() <= snap.generation) {
                break; // every older one is in the snapshot already
            }
            NodeInfo copy = n.snapshot();
            snap.byName.put(n.name(), copy);
            Integer i = snap.index.get(n.name());
            if (!rebuild && i != null) {
                snap.list.set(i, copy);
            }
        }
        if (rebuild) {
            snap.byName.keySet().retainAll(nodes.keySet());
            snap.list.clear();
            snap.index.clear();
            for (NodeInfo n : nodes.values()) {
                if (n.node() != null) {
                    snap.index.put(n.name(), snap.list.size());
                    snap.list.add(snap.byName.get(n.name()));
                }
            }
            snap.nodeSetVersion = nodeSetVersion;
        }
        snap.generation = generation;
    }
}
