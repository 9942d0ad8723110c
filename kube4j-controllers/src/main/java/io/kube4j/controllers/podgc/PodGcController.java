package io.kube4j.controllers.podgc;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's pod garbage collector: every {@link PodGcOptions#period()} it deletes the oldest terminated pods above
 * the threshold, pods bound to nodes gone for longer than the quarantine (confirmed by a fresh read; marked Failed
 * with a DisruptionTarget condition, then force-deleted), and terminating pods that were never scheduled. One key,
 * one worker.
 */
public final class PodGcController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(PodGcController.class);
    static final String KEY = "podgc";

    private final PodGcOptions options;
    private final Map<String, Instant> missingSince = new HashMap<>();
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Node> nodes;

    public PodGcController(ControllerContext ctx, PodGcOptions options) {
        super(ctx);
        this.options = options;
    }

    @Override
    public String name() {
        return "podgc";
    }

    @Override
    protected int workers() {
        return 1;
    }

    @Override
    protected void register() {
        pods = ctx.informer(Pod.class);
        nodes = ctx.informer(Node.class);
        enqueue(KEY);
    }

    @Override
    protected void sync(String key) {
        try {
            List<Pod> all = pods.getStore().list();
            for (Pod p : PodGcFunctions.terminatedOverThreshold(all, options.terminatedPodThreshold())) {
                LOG.info("podgc deleting terminated pod {}/{}", p.getMetadata().getNamespace(), p.getMetadata().getName());
                delete(p);
            }
            gcOrphaned(all);
            for (Pod p : PodGcFunctions.unscheduledTerminating(all)) {
                LOG.info("podgc force-deleting unscheduled terminating pod {}/{}", p.getMetadata().getNamespace(),
                        p.getMetadata().getName());
                delete(p);
            }
        } finally {
            queue.addAfter(KEY, options.period());
        }
    }

    private void gcOrphaned(List<Pod> all) {
        Set<String> known = new HashSet<>();
        nodes.getStore().list().forEach(n -> known.add(n.getMetadata().getName()));
        Instant now = ctx.clock().instant();
        missingSince.keySet().removeIf(known::contains);
        Set<String> missing = new HashSet<>();
        for (Pod p : PodGcFunctions.onMissingNodes(all, known)) {
            missing.add(p.getSpec().getNodeName());
        }
        missingSince.keySet().retainAll(missing);
        for (String node : missing) {
            Instant since = missingSince.computeIfAbsent(node, n -> now);
            if (now.isBefore(since.plus(options.quarantine()))) {
                continue;
            }
            if (ctx.client().nodes().withName(node).get() != null) {
                missingSince.remove(node);
                continue;
            }
            for (Pod p : all) {
                if (node.equals(p.getSpec().getNodeName())) {
                    LOG.info("podgc deleting pod {}/{} of missing node {}", p.getMetadata().getNamespace(),
                            p.getMetadata().getName(), node);
                    markFailed(p, now);
                    delete(p);
                }
            }
        }
    }

    /** The DisruptionTarget condition upstream's pod GC adds before it deletes a pod of a gone node. */
    private void markFailed(Pod p, Instant now) {
        String phase = PodGcFunctions.isTerminated(p) ? "" : "\"phase\":\"Failed\",";
        String patch = "{\"status\":{" + phase + "\"conditions\":[{\"type\":\"DisruptionTarget\",\"status\":\"True\","
                + "\"reason\":\"DeletionByPodGC\",\"message\":\"PodGC: node no longer exists\",\"lastTransitionTime\":\""
                + DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)) + "\"}]}}";
        try {
            ctx.client().pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                    .subresource("status").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
        } catch (KubernetesClientException e) {
            LOG.debug("podgc could not mark pod {}: {}", p.getMetadata().getName(), e.getMessage());
        }
    }

    /** Pod GC always force-deletes (grace 0), as upstream: no kubelet is left to finish these pods. */
    private void delete(Pod p) {
        try {
            ctx.client().pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                    .withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warn("podgc could not delete pod {}/{}: {}", p.getMetadata().getNamespace(),
                        p.getMetadata().getName(), e.getMessage());
            }
        }
    }
}
