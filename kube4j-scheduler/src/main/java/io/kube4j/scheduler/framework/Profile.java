package io.kube4j.scheduler.framework;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which plugins run at each extension point, in order, and the weight of each score plugin: upstream's
 * KubeSchedulerProfile. Immutable.
 */
public record Profile(String schedulerName, String queueSort, List<String> preFilter, List<String> filter,
                      List<String> postFilter, Map<String, Integer> score, List<String> reserve, List<String> permit,
                      List<String> preBind, List<String> bind) {
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    /** Upstream's default profile, limited to the plugins kube4j has, in upstream's order and weights. */
    public static Profile defaults() {
        Map<String, Integer> score = new LinkedHashMap<>();
        score.put("TaintToleration", 3);
        score.put("NodeAffinity", 2);
        score.put("NodeResourcesFit", 1);
        score.put("NodeResourcesBalancedAllocation", 1);
        return new Profile(DEFAULT_SCHEDULER_NAME, "PrioritySort",
                List.of("NodeAffinity", "NodePorts", "NodeResourcesFit", "VolumeBinding"),
                List.of("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "NodePorts",
                        "NodeResourcesFit", "VolumeBinding"),
                List.of("DefaultPreemption"), score, List.of(), List.of(), List.of("VolumeBinding"),
                List.of("DefaultBinder"));
    }
}
