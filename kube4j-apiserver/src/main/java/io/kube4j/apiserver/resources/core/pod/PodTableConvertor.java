package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.list;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * Pod rows as upstream prints them: READY, the aggregate STATUS reason, RESTARTS with the time of
 * the last restart, and the wide IP / NODE / NOMINATED NODE / READINESS GATES columns. Stateless
 * and thread-safe.
 */
public final class PodTableConvertor implements TableConvertor {
    /** The reason the node lifecycle controller gives pods on an unreachable node. */
    private static final String NODE_UNREACHABLE_REASON = "NodeLost";

    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Ready"),
            Column.string("Status"),
            Column.string("Restarts"),
            Column.ageColumn(),
            Column.string("IP").wide(),
            Column.string("Node")
                    .wide(),
            Column.string("Nominated Node").wide(),
            Column.string("Readiness Gates").wide());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode pod, Instant now) {
        JsonNode spec = at(pod, "spec");
        JsonNode status = at(pod, "status");
        String phase = CellFormat.textOr("Pending", status, "phase");
        String reason = CellFormat.textOr(phase, status, "reason");
        for (JsonNode c : list(status, "conditions")) {
            if ("PodScheduled".equals(text(c, "type")) && "SchedulingGated".equals(text(c, "reason"))) {
                reason = "SchedulingGated";
            }
        }

        int totalContainers = CellFormat.size(spec, "containers");
        int readyContainers = 0;
        Map<String, JsonNode> initContainers = new HashMap<>();
        List<JsonNode> initSpecs = list(spec, "initContainers");
        for (JsonNode c : initSpecs) {
            initContainers.put(text(c, "name"), c);
            if (restartable(c)) {
                totalContainers++;
            }
        }

        long restarts = 0;
        long sidecarRestarts = 0;
        Instant lastRestart = null;
        Instant lastSidecarRestart = null;
        boolean initializing = false;
        List<JsonNode> initStatuses = list(status, "initContainerStatuses");
        for (int i = 0; i < initStatuses.size(); i++) {
            JsonNode cs = initStatuses.get(i);
            restarts += CellFormat.integer(cs, "restartCount");
            Instant finished = CellFormat.instant(at(cs, "lastState", "terminated", "finishedAt"));
            lastRestart = later(lastRestart, finished);
            boolean sidecar = restartable(initContainers.get(text(cs, "name")));
            if (sidecar) {
                sidecarRestarts += CellFormat.integer(cs, "restartCount");
                lastSidecarRestart = later(lastSidecarRestart, finished);
            }
            JsonNode terminated = at(cs, "state", "terminated");
            JsonNode waiting = at(cs, "state", "waiting");
            if (terminated != null && CellFormat.integer(terminated, "exitCode") == 0) {
                continue;
            }
            if (sidecar && CellFormat.bool(cs, "started")) {
                if (CellFormat.bool(cs, "ready")) {
                    readyContainers++;
                }
                continue;
            }
            if (terminated != null) {
                // initialization failed
                String r = text(terminated, "reason");
                if (r.isEmpty()) {
                    long signal = CellFormat.integer(terminated, "signal");
                    reason = signal != 0 ? "Init:Signal:" + signal
                            : "Init:ExitCode:" + CellFormat.integer(terminated, "exitCode");
                } else {
                    reason = "Init:" + r;
                }
            } else if (waiting != null && !text(waiting, "reason").isEmpty()
                    && !"PodInitializing".equals(text(waiting, "reason"))) {
                reason = "Init:" + text(waiting, "reason");
            } else {
                reason = "Init:" + i + "/" + initSpecs.size();
            }
            initializing = true;
            break;
        }

        if (!initializing || hasCondition(status, "Initialized")) {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            boolean hasRunning = false;
            List<JsonNode> statuses = list(status, "containerStatuses");
            for (int i = statuses.size() - 1; i >= 0; i--) {
                JsonNode cs = statuses.get(i);
                restarts += CellFormat.integer(cs, "restartCount");
                lastRestart = later(lastRestart, CellFormat.instant(at(cs, "lastState", "terminated", "finishedAt")));
                JsonNode waiting = at(cs, "state", "waiting");
                JsonNode terminated = at(cs, "state", "terminated");
                if (waiting != null && !text(waiting, "reason").isEmpty()) {
                    reason = text(waiting, "reason");
                } else if (terminated != null && !text(terminated, "reason").isEmpty()) {
                    reason = text(terminated, "reason");
                } else if (terminated != null) {
                    long signal = CellFormat.integer(terminated, "signal");
                    reason = signal != 0 ? "Signal:" + signal
                            : "ExitCode:" + CellFormat.integer(terminated, "exitCode");
                } else if (CellFormat.bool(cs, "ready") && at(cs, "state", "running") != null) {
                    hasRunning = true;
                    readyContainers++;
                }
            }
            // a pod whose last container completed still runs while another container does
            if ("Completed".equals(reason) && hasRunning) {
                reason = hasCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        boolean deleting = at(pod, "metadata", "deletionTimestamp") != null;
        if (deleting && NODE_UNREACHABLE_REASON.equals(text(status, "reason"))) {
            reason = "Unknown";
        } else if (deleting && !"Succeeded".equals(phase) && !"Failed".equals(phase)) {
            reason = "Terminating";
        }

        String restartsCell = Long.toString(restarts);
        if (restarts != 0 && lastRestart != null) {
            restartsCell = restarts + " (" + CellFormat.since(lastRestart, now) + " ago)";
        }

        String podIp = podIp(status);
        String node = CellFormat.textOr(CellFormat.NONE, spec, "nodeName");
        String nominated = CellFormat.textOr(CellFormat.NONE, status, "nominatedNodeName");
        return java.util.Arrays.asList(text(pod, "metadata", "name"), readyContainers + "/" + totalContainers,
                reason, restartsCell, CellFormat.age(pod, now), podIp, node, nominated,
                readinessGates(spec, status));
    }

    private static String podIp(JsonNode status) {
        List<JsonNode> ips = list(status, "podIPs");
        String ip = ips.isEmpty() ? text(status, "podIP") : text(ips.get(0), "ip");
        return ip.isEmpty() ? CellFormat.NONE : ip;
    }

    private static String readinessGates(JsonNode spec, JsonNode status) {
        List<JsonNode> gates = list(spec, "readinessGates");
        if (gates.isEmpty()) {
            return CellFormat.NONE;
        }
        int trueConditions = 0;
        for (JsonNode gate : gates) {
            String type = text(gate, "conditionType");
            for (JsonNode c : list(status, "conditions")) {
                if (type.equals(text(c, "type"))) {
                    if ("True".equals(text(c, "status"))) {
                        trueConditions++;
                    }
                    break;
                }
            }
        }
        return trueConditions + "/" + gates.size();
    }

    /** A sidecar: an init container with {@code restartPolicy: Always}. */
    private static boolean restartable(JsonNode initContainer) {
        return initContainer != null && "Always".equals(text(initContainer, "restartPolicy"));
    }

    private static boolean hasCondition(JsonNode status, String type) {
        for (JsonNode c : list(status, "conditions")) {
            if (type.equals(text(c, "type"))) {
                return "True".equals(text(c, "status"));
            }
        }
        return false;
    }

    private static Instant later(Instant a, Instant b) {
        if (b == null) {
            return a;
        }
        return a == null || a.isBefore(b) ? b : a;
    }
}
