package io.kube4j.node.simulated;

import io.fabric8.kubernetes.api.model.Taint;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a set of simulated nodes looks and behaves. Immutable; build from {@link #defaults(String, int)} and the
 * {@code with...} methods.
 *
 * @param namePrefix   node names are {@code namePrefix + index}, e.g. {@code sim-0}
 * @param count        how many nodes
 * @param firstIndex   index of the first node (several processes can share a prefix)
 * @param cpu          capacity and allocatable cpu, e.g. {@code 4}
 * @param memory       capacity and allocatable memory, e.g. {@code 16Gi}
 * @param pods         capacity and allocatable pods
 * @param labels       extra node labels (besides the well-known ones and {@code kube4j.io/simulated=true})
 * @param taints       taints every node registers with
 * @param kubeletVersion what nodeInfo.kubeletVersion says
 * @param heartbeat    how often the Lease is renewed (10 s, as the kubelet)
 * @param statusReport how often the node status is posted when nothing changed (5 min, the kubelet's nodeStatusReportFrequency)
 * @param pod          what pods do when no annotation says otherwise
 * @param deletion     when a pod marked for deletion is removed
 * @param workers      how many API calls run at once
 */
public record SimulatedNodeOptions(String namePrefix, int count, int firstIndex, String cpu, String memory, int pods,
                                   Map<String, String> labels, List<Taint> taints, String kubeletVersion,
                                   Duration heartbeat, Duration statusReport, PodScript pod, Deletion deletion,
                                   int workers) {
    /** Marks every simulated node, so the set can be selected: {@code kubectl get nodes -l kube4j.io/simulated}. */
    public static final String SIMULATED_LABEL = "kube4j.io/simulated";

    /** When a pod with a deletionTimestamp is removed (deleted with grace period 0). */
    public enum Deletion {
        /** At once, as kwok does: the simulated containers stop instantly. */
        IMMEDIATE,
        /** After the pod's deletionGracePeriodSeconds, as a container that ignores SIGTERM would. */
        AFTER_GRACE_PERIOD
    }

    public SimulatedNodeOptions {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        labels = Map.copyOf(labels);
        taints = List.copyOf(taints);
    }

    public static SimulatedNodeOptions defaults(String namePrefix, int count) {
        return new SimulatedNodeOptions(namePrefix, count, 0, "4", "16Gi", 110, Map.of(), List.of(), "v1.32.0",
                Duration.ofSeconds(10), Duration.ofMinutes(5), PodScript.DEFAULT, Deletion.IMMEDIATE, 8);
    }

    public String nodeName(int i) {
        return namePrefix + (firstIndex + i);
    }

    public SimulatedNodeOptions withCapacity(String cpu, String memory, int pods) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withLabels(Map<String, String> labels) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withTaints(List<Taint> taints) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withKubeletVersion(String kubeletVersion) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withHeartbeat(Duration heartbeat, Duration statusReport) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withPod(PodScript pod) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withDeletion(Deletion deletion) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withFirstIndex(int firstIndex) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }

    public SimulatedNodeOptions withWorkers(int workers) {
        return new SimulatedNodeOptions(namePrefix, count, firstIndex, cpu, memory, pods, labels, taints,
                kubeletVersion, heartbeat, statusReport, pod, deletion, workers);
    }
}
