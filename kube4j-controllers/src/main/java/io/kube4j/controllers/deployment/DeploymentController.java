package io.kube4j.controllers.deployment;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Deployments, in upstream's shape: one ReplicaSet per pod template (named after the template's hash and labelled
 * {@code pod-template-hash}), rolled out with the RollingUpdate (maxSurge/maxUnavailable) or Recreate strategy,
 * revisions in {@code deployment.kubernetes.io/revision} (an old template brought back by {@code rollout undo}
 * gets the next revision), {@code revisionHistoryLimit} old ReplicaSets kept, pause and resume, and the
 * Available and Progressing conditions with upstream's reasons, ProgressDeadlineExceeded included. The replica
 * arithmetic is in {@link DeploymentPlan}; the ReplicaSet controller makes the pods.
 */
public final class DeploymentController extends Controller {
    public static final String HASH_LABEL = "pod-template-hash";
    public static final String REVISION = "deployment.kubernetes.io/revision";
    static final String DESIRED = "deployment.kubernetes.io/desired-replicas";
    static final String MAX = "deployment.kubernetes.io/max-replicas";
    static final String COMPONENT = "deployment-controller";

    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<ReplicaSet> replicaSets;

    public DeploymentController(ControllerContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "deployment";
    }

    @Override
    protected void register() {
        deployments = ctx.informer(Deployment.class);
        replicaSets = ctx.informer(ReplicaSet.class);
        enqueueOn(deployments, Controller::key);
        enqueueOn(replicaSets, rs -> {
            OwnerReference ref = controllerOf(rs);
            return ref != null && "Deployment".equals(ref.getKind())
                    ? rs.getMetadata().getNamespace() + "/" + ref.getName() : null;
        });
    }

    static OwnerReference controllerOf(HasMetadata obj) {
        if (obj.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        return obj.getMetadata().getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController()))
                .findFirst().orElse(null);
    }

    @Override
    protected void sync(String key) {
        Deployment d = deployments.getStore().getByKey(key);
        if (d == null || d.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        List<ReplicaSet> owned = new ArrayList<>();
        for (ReplicaSet rs : replicaSets.getStore().list()) {
            OwnerReference ref = controllerOf(rs);
            if (rs.getMetadata().getNamespace().equals(d.getMetadata().getNamespace()) && ref != null
                    && d.getMetadata().getUid().equals(ref.getUid())) {
                owned.add(rs);
            }
        }
        String hash = TemplateHash.of(d.getSpec().getTemplate(),
                d.getStatus() == null ? null : d.getStatus().getCollisionCount());
        ReplicaSet newRs = owned.stream().filter(rs -> rs.getMetadata().getLabels() != null
                && hash.equals(rs.getMetadata().getLabels().get(HASH_LABEL))).findFirst().orElse(null);
        List<ReplicaSet> olds = new ArrayList<>(owned);
        olds.remove(newRs);
        int maxOldRevision = olds.stream().mapToInt(DeploymentController::revision).max().orElse(0);
        String progressReason = null;
        String progressMessage = null;
        EventRecorder events = ctx.events(COMPONENT);
        boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());

        if (newRs == null && !paused) {
            newRs = createReplicaSet(d, hash, maxOldRevision + 1, initialReplicas(d, olds));
            progressReason = "NewReplicaSetCreated";
            progressMessage = "Created new replica set \"" + newRs.getMetadata().getName() + "\"";
        } else if (newRs != null && revision(newRs) <= maxOldRevision) {
            // an old template came back (rollout undo): it becomes the newest revision
            newRs = annotate(newRs, Map.of(REVISION, Integer.toString(maxOldRevision + 1)));
        }
        if (newRs != null && !paused) {
            setDeploymentRevision(d, revision(newRs));
            if (DeploymentPlan.isRollingUpdate(d)) {
                rollingUpdate(d, newRs, olds, events);
            } else {
                recreate(d, newRs, olds, events);
            }
        }
        cleanUp(d, olds);
        writeStatus(d, newRs, owned, paused, progressReason, progressMessage);
        if (d.getSpec().getProgressDeadlineSeconds() != null && !complete(d, newRs, olds)) {
            queue.addAfter(key, Duration.ofSeconds(Math.min(10, d.getSpec().getProgressDeadlineSeconds())));
        }
    }

    private void rollingUpdate(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds, EventRecorder events) {
        List<ReplicaSet> all = new ArrayList<>(olds);
        all.add(newRs);
        int newReplicas = DeploymentPlan.newReplicaSetReplicas(d, newRs, all);
        if (newReplicas != DeploymentPlan.specReplicas(newRs)) {
            scale(d, newRs, newReplicas, events);
            return; // one step per sync: the old side moves once the new pods' state is known
        }
        Map<String, Integer> oldReplicas = DeploymentPlan.oldReplicaSetReplicas(d, newRs, olds);
        for (ReplicaSet rs : olds) {
            int target = oldReplicas.get(rs.getMetadata().getName());
            if (target != DeploymentPlan.specReplicas(rs)) {
                scale(d, rs, target, events);
            }
        }
    }

    private void recreate(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds, EventRecorder events) {
        boolean oldPodsLeft = false;
        for (ReplicaSet rs : olds) {
            if (DeploymentPlan.specReplicas(rs) > 0) {
                scale(d, rs, 0, events);
            }
            oldPodsLeft |= rs.getStatus() != null && rs.getStatus().getReplicas() != null
                    && rs.getStatus().getReplicas() > 0;
        }
        if (!oldPodsLeft && DeploymentPlan.specReplicas(newRs) != DeploymentPlan.replicas(d)) {
            scale(d, newRs, DeploymentPlan.replicas(d), events);
        }
    }

    private void scale(Deployment d, ReplicaSet rs, int replicas, EventRecorder events) {
        int from = DeploymentPlan.specReplicas(rs);
        String patch = Serialization.asJson(Map.of(
                "metadata", Map.of("annotations", Map.of(DESIRED, Integer.toString(DeploymentPlan.replicas(d)),
                        MAX, Integer.toString(DeploymentPlan.replicas(d) + DeploymentPlan.maxSurge(d)))),
                "spec", Map.of("replicas", replicas)));
        ctx.client().apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        events.normal(d, "", "ScalingReplicaSet", "Scaled " + (replicas > from ? "up" : "down") + " replica set "
                + rs.getMetadata().getName() + " from " + from + " to " + replicas);
    }

    /** The new ReplicaSet's first size: as far as maxSurge allows, or (Recreate) nothing while old pods remain. */
    private static int initialReplicas(Deployment d, List<ReplicaSet> olds) {
        if (!DeploymentPlan.isRollingUpdate(d)) {
            return olds.stream().allMatch(rs -> DeploymentPlan.specReplicas(rs) == 0 && (rs.getStatus() == null
                    || rs.getStatus().getReplicas() == null || rs.getStatus().getReplicas() == 0))
                    ? DeploymentPlan.replicas(d) : 0;
        }
        ReplicaSet empty = new ReplicaSetBuilder().withNewSpec().withReplicas(0).endSpec().build();
        List<ReplicaSet> all = new ArrayList<>(olds);
        all.add(empty);
        return DeploymentPlan.newReplicaSetReplicas(d, empty, all);
    }

    private ReplicaSet createReplicaSet(Deployment d, String hash, int revision, int replicas) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (d.getSpec().getTemplate().getMetadata() != null && d.getSpec().getTemplate().getMetadata().getLabels() != null) {
            labels.putAll(d.getSpec().getTemplate().getMetadata().getLabels());
        }
        labels.put(HASH_LABEL, hash);
        Map<String, String> annotations = copiedAnnotations(d);
        annotations.put(REVISION, Integer.toString(revision));
        annotations.put(DESIRED, Integer.toString(DeploymentPlan.replicas(d)));
        annotations.put(MAX, Integer.toString(DeploymentPlan.replicas(d) + DeploymentPlan.maxSurge(d)));
        LabelSelector selector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder(d.getSpec().getSelector())
                .addToMatchLabels(HASH_LABEL, hash).build();
        ReplicaSet rs = new ReplicaSetBuilder().withNewMetadata()
                .withName(d.getMetadata().getName() + "-" + hash).withNamespace(d.getMetadata().getNamespace())
                .withLabels(labels).withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).withController(true)
                        .withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withNewSpec().withReplicas(replicas).withMinReadySeconds(d.getSpec().getMinReadySeconds())
                .withSelector(selector)
                .withNewTemplateLike(d.getSpec().getTemplate()).editOrNewMetadata().withLabels(labels).endMetadata()
                .endTemplate().endSpec().build();
        try {
            ReplicaSet created = ctx.client().apps().replicaSets().inNamespace(d.getMetadata().getNamespace())
                    .resource(rs).create();
            if (replicas > 0) {
                ctx.events(COMPONENT).normal(d, "", "ScalingReplicaSet", "Scaled up replica set "
                        + created.getMetadata().getName() + " from 0 to " + replicas);
            }
            return created;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return ctx.client().apps().replicaSets().inNamespace(d.getMetadata().getNamespace())
                        .withName(rs.getMetadata().getName()).get();
            }
            throw e;
        }
    }

    /** The Deployment's annotations that its ReplicaSets carry (change-cause among them), as upstream copies them. */
    private static Map<String, String> copiedAnnotations(Deployment d) {
        Map<String, String> out = new LinkedHashMap<>();
        if (d.getMetadata().getAnnotations() != null) {
            d.getMetadata().getAnnotations().forEach((k, v) -> {
                if (!k.equals("kubectl.kubernetes.io/last-applied-configuration") && !k.equals(REVISION)
                        && !k.equals("deployment.kubernetes.io/revision-history") && !k.equals(DESIRED)
                        && !k.equals(MAX)) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private ReplicaSet annotate(ReplicaSet rs, Map<String, String> annotations) {
        return ctx.client().apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                .withName(rs.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                        Serialization.asJson(Map.of("metadata", Map.of("annotations", annotations))));
    }

    private void setDeploymentRevision(Deployment d, int revision) {
        String current = d.getMetadata().getAnnotations() == null ? null : d.getMetadata().getAnnotations().get(REVISION);
        if (!Integer.toString(revision).equals(current)) {
            ctx.client().apps().deployments().inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of("metadata", Map.of("annotations",
                                    Map.of(REVISION, Integer.toString(revision))))));
        }
    }

    static int revision(ReplicaSet rs) {
        String r = rs.getMetadata().getAnnotations() == null ? null : rs.getMetadata().getAnnotations().get(REVISION);
        try {
            return r == null ? 0 : Integer.parseInt(r);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Old ReplicaSets scaled to zero beyond revisionHistoryLimit (default 10) go, oldest revision first. */
    private void cleanUp(Deployment d, List<ReplicaSet> olds) {
        int limit = d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
        List<ReplicaSet> idle = olds.stream().filter(rs -> DeploymentPlan.specReplicas(rs) == 0
                        && (rs.getStatus() == null || rs.getStatus().getReplicas() == null
                        || rs.getStatus().getReplicas() == 0) && rs.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparingInt(DeploymentController::revision)).toList();
        for (int i = 0; i < idle.size() - limit; i++) {
            ReplicaSet rs = idle.get(i);
            ctx.client().apps().replicaSets().inNamespace(rs.getMetadata().getNamespace())
                    .withName(rs.getMetadata().getName()).delete();
        }
    }

    private static boolean complete(Deployment d, ReplicaSet newRs, List<ReplicaSet> olds) {
        if (newRs == null || newRs.getStatus() == null) {
            return false;
        }
        int want = DeploymentPlan.replicas(d);
        boolean oldGone = olds.stream().allMatch(rs -> rs.getStatus() == null || rs.getStatus().getReplicas() == null
                || rs.getStatus().getReplicas() == 0);
        return oldGone && nz(newRs.getStatus().getReplicas()) == want && nz(newRs.getStatus().getAvailableReplicas()) == want
                && DeploymentPlan.specReplicas(newRs) == want;
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    private void writeStatus(Deployment d, ReplicaSet newRs, List<ReplicaSet> owned, boolean paused,
                             String progressReason, String progressMessage) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        List<ReplicaSet> olds = new ArrayList<>(owned);
        olds.remove(newRs);
        DeploymentStatus s = DeploymentStatusFunctions.compute(d, newRs, owned, paused, progressReason,
                progressMessage, complete(d, newRs, olds), ctx.clock().instant());
        if (Objects.equals(s, old)) {
            return;
        }
        try {
            ctx.client().apps().deployments().inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("status", s)));
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    static DeploymentCondition condition(DeploymentStatus old, String type, String status, String reason,
                                         String message, Instant now, boolean progressed) {
        DeploymentCondition prev = old.getConditions() == null ? null : old.getConditions().stream()
                .filter(c -> type.equals(c.getType())).findFirst().orElse(null);
        String nowText = time(now);
        boolean same = prev != null && status.equals(prev.getStatus()) && Objects.equals(reason, prev.getReason());
        String transition = prev != null && status.equals(prev.getStatus()) ? prev.getLastTransitionTime() : nowText;
        String update = same && !progressed && Objects.equals(message, prev.getMessage()) ? prev.getLastUpdateTime()
                : nowText;
        return new DeploymentCondition(transition, update, message, reason, status, type);
    }
}
