package io.kube4j.node.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kube4j.node.kubelet.env.EnvResolver;
import io.kube4j.client.events.EventRecorder;
import io.kube4j.node.kubelet.prober.ProbeManager;
import io.kube4j.node.kubelet.prober.Prober;
import io.kube4j.node.kubelet.runtime.PodRuntime;
import io.kube4j.node.kubelet.runtime.PodRuntime.StartException;
import io.kube4j.node.kubelet.runtime.RuntimeContainer;
import io.kube4j.node.kubelet.runtime.RuntimePodStatus;
import io.kube4j.node.kubelet.runtime.RuntimeSandbox;
import io.kube4j.node.kubelet.status.PodStatusFunctions;
import io.kube4j.node.kubelet.status.StatusManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One sync of one pod, in upstream's shape: read the runtime's view, compute the {@link PodActions}, carry them out
 * (sandbox, init containers in order, app containers, kills with preStop hooks and grace periods), then write the
 * status. A pod being deleted is killed within its grace period and then removed from the API server. Called only
 * by the pod's own worker, so calls for one pod never overlap; different pods sync in parallel.
 */
public final class PodSyncer {
    private static final Logger LOG = LoggerFactory.getLogger(PodSyncer.class);
    /** Upstream never stops a container with less than 2 seconds of grace, except on a forced delete. */
    private static final long MIN_GRACE_SECONDS = 2;

    /** The node facts a sync needs. */
    public record NodeContext(String nodeName, String nodeIp) {
    }

    /**
     * A kill the kubelet decided on its own (upstream's killPodFunc with a status override): the pod's containers
     * stop within {@code grace}, whatever the pod's own grace period, and its status becomes phase Failed with this
     * reason and message. Final: the pod never runs again on this node.
     */
    public record Eviction(Duration grace, String reason, String message) {
    }

    /** What the sync leaves for the worker: whether the pod is gone for good, and when to look again. */
    public record Outcome(boolean finished, Duration resyncAfter) {
    }

    private final PodRuntime runtime;
    private final io.kube4j.node.kubelet.volume.VolumeManager volumes;
    private final StatusManager statuses;
    private final ProbeManager probes;
    private final EventRecorder events;
    private final BackOff backOff;
    private final Clock clock;
    private final NodeContext node;
    private final EnvResolver.Sources envSources;
    private final Prober hookRunner;
    private final Consumer<Pod> deleteFromApi;
    private final Map<String, RuntimePodStatus> cache = new ConcurrentHashMap<>();
    private final Map<String, Map<String, PodActions.Waiting>> sticky = new ConcurrentHashMap<>();
    private final Map<String, Eviction> evictions = new ConcurrentHashMap<>();

    public PodSyncer(PodRuntime runtime, StatusManager statuses, ProbeManager probes, EventRecorder events,
                     BackOff backOff, Clock clock, NodeContext node, EnvResolver.Sources envSources,
                     Consumer<Pod> deleteFromApi, io.kube4j.node.kubelet.volume.VolumeManager volumes) {
        this.volumes = volumes;
        this.runtime = runtime;
        this.statuses = statuses;
        this.probes = probes;
        this.events = events;
        this.backOff = backOff;
        this.clock = clock;
        this.node = node;
        this.envSources = envSources;
        this.hookRunner = new Prober(runtime);
        this.deleteFromApi = deleteFromApi;
    }

    /** Marks the pod for eviction; its worker's next sync kills it. The first eviction asked for wins. */
    public void requestEviction(String uid, Eviction eviction) {
        evictions.putIfAbsent(uid, eviction);
    }

    /** True once the pod was marked for eviction (and until it is cleaned up). */
    public boolean evicted(String uid) {
        return evictions.containsKey(uid);
    }

    /** The latest runtime view of a pod, by uid (what the probes look at). */
    public RuntimePodStatus cached(String uid) {
        return cache.get(uid);
    }

    private RuntimePodStatus refresh(Pod pod) {
        var md = pod.getMetadata();
        RuntimePodStatus rs = runtime.podStatus(new PodRuntime.PodRef(md.getUid(), md.getName(), md.getNamespace()));
        cache.put(md.getUid(), rs);
        return rs;
    }

    /**
     * Syncs the pod once.
     *
     * @param removedFromApi the pod object is gone from the API server (force delete): stop everything now
     */
    public Outcome sync(Pod pod, boolean removedFromApi) {
        String uid = pod.getMetadata().getUid();
        RuntimePodStatus rs = refresh(pod);
        if (removedFromApi) {
            killPod(pod, rs, Duration.ofSeconds(MIN_GRACE_SECONDS));
            cleanUp(pod);
            return new Outcome(true, Duration.ZERO);
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            long grace = pod.getMetadata().getDeletionGracePeriodSeconds() != null
                    ? pod.getMetadata().getDeletionGracePeriodSeconds()
                    : gracePeriod(pod);
            killPod(pod, rs, Duration.ofSeconds(grace));
            rs = refresh(pod);
            Eviction evicted = evictions.get(uid);
            if (evicted != null) {
                writeEvicted(pod, rs, evicted); // a terminal status stays as it was
            } else {
                writeStatus(pod, rs, Map.of(), true);
            }
            deleteFromApi.accept(pod);
            cleanUp(pod);
            return new Outcome(true, Duration.ZERO);
        }
        Eviction eviction = evictions.get(uid);
        if (eviction != null) {
            if (!rs.running().isEmpty() || rs.sandboxes().stream().anyMatch(RuntimeSandbox::ready)) {
                killPod(pod, rs, eviction.grace());
                rs = refresh(pod);
            }
            writeEvicted(pod, rs, eviction);
            return new Outcome(false, Duration.ofMinutes(1));
        }
        PodStatus last = statuses.lastSent(uid) != null ? statuses.lastSent(uid) : pod.getStatus();
        if (last != null && ("Succeeded".equals(last.getPhase()) || "Failed".equals(last.getPhase()))) {
            // A finished pod keeps its exited containers (for logs) but not its sandbox.
            for (RuntimeSandbox sb : rs.sandboxes()) {
                if (sb.ready()) {
                    runtime.stopSandbox(sb.id());
                }
            }
            probes.removePod(uid);
            return new Outcome(false, Duration.ofMinutes(1));
        }

        probes.addPod(pod);
        volumes.update(pod); // API data volumes follow their sources (and the pod's labels) while it runs
        Map<String, PodActions.Waiting> waiting = new LinkedHashMap<>(sticky.getOrDefault(uid, Map.of()));
        PodActions actions = PodActions.compute(pod, rs, probes, backOff);
        waiting.putAll(actions.waiting());
        actions.waiting().forEach((name, w) -> events.warning(pod, containerPath(pod, name), "BackOff",
                "Back-off restarting failed container " + name + " in pod " + pod.getMetadata().getName() + "_"
                        + pod.getMetadata().getNamespace() + "(" + uid + ")"));

        if (actions.killPod() || actions.podFailed()) {
            killPod(pod, rs, Duration.ofSeconds(gracePeriod(pod)));
            rs = refresh(pod);
        }
        String sandboxId = rs.latestSandbox().filter(RuntimeSandbox::ready).map(RuntimeSandbox::id).orElse(null);
        if (actions.createSandbox()) {
            try {
                sandboxId = runtime.runSandbox(pod, actions.sandboxAttempt());
                rs = refresh(pod);
            } catch (StartException e) {
                events.warning(pod, "", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + e.getMessage());
                writeStatus(pod, rs, waiting, false);
                return new Outcome(false, Duration.ofSeconds(2));
            }
        }
        for (PodActions.Kill kill : actions.toKill()) {
            Container spec = specOf(pod, kill.container().name());
            events.normal(pod, containerPath(pod, kill.container().name()), "Killing", kill.message());
            killContainer(pod, spec, kill.container(), Duration.ofSeconds(gracePeriod(pod)));
            probes.forgetContainer(kill.container().id());
        }
        if (sandboxId != null && !actions.podFailed()) {
            List<Container> starts = new ArrayList<>();
            if (actions.nextInit() != null) {
                starts.add(actions.nextInit());
            } else {
                starts.addAll(actions.toStart());
            }
            for (Container c : starts) {
                boolean init = actions.nextInit() == c;
                Optional<PodActions.Waiting> failed = startContainer(pod, c, init, sandboxId, rs);
                if (failed.isPresent()) {
                    waiting.put(c.getName(), failed.get());
                } else {
                    waiting.remove(c.getName());
                }
            }
        }
        Map<String, PodActions.Waiting> keep = new LinkedHashMap<>();
        waiting.forEach((k, v) -> {
            if (!v.reason().equals("CrashLoopBackOff")) {
                keep.put(k, v);
            }
        });
        sticky.put(uid, keep);
        rs = refresh(pod);
        writeStatus(pod, rs, waiting, false);
        boolean busy = !waiting.isEmpty() || rs.containers().stream().anyMatch(c -> !c.running() && !c.exited());
        return new Outcome(false, busy ? Duration.ofSeconds(1) : Duration.ofSeconds(10));
    }

    private void writeStatus(Pod pod, RuntimePodStatus rs, Map<String, PodActions.Waiting> waiting, boolean deleting) {
        boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        PodStatus status = PodStatusFunctions.generate(new PodStatusFunctions.Inputs(pod, rs, node.nodeIp(),
                hostNetwork, waiting, probes, clock.instant()));
        if (deleting && !"Succeeded".equals(status.getPhase()) && !"Failed".equals(status.getPhase())) {
            // Containers stopped for a delete: the pod is over; exit codes decide how it ended.
            boolean allZero = status.getContainerStatuses().stream().allMatch(cs -> cs.getState().getTerminated() != null
                    && cs.getState().getTerminated().getExitCode() == 0);
            status.setPhase(allZero ? "Succeeded" : "Failed");
        }
        statuses.set(pod, status);
    }

    /** The status of an evicted pod: what the runtime shows, then phase Failed with the eviction's reason. */
    private void writeEvicted(Pod pod, RuntimePodStatus rs, Eviction eviction) {
        boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
        PodStatus status = PodStatusFunctions.generate(new PodStatusFunctions.Inputs(pod, rs, node.nodeIp(),
                hostNetwork, Map.of(), probes, clock.instant()));
        status.setPhase("Failed");
        status.setReason(eviction.reason());
        status.setMessage(eviction.message());
        statuses.set(pod, status);
    }

    private Optional<PodActions.Waiting> startContainer(Pod pod, Container c, boolean init, String sandboxId,
                                                        RuntimePodStatus rs) {
        String path = EventRecorder.containerPath(init, c.getName());
        Optional<PodActions.Waiting> image = ensureImage(pod, c, path);
        if (image.isPresent()) {
            return image;
        }
        List<io.kube4j.node.kubelet.volume.VolumeManager.Mount> mounts;
        try {
            mounts = volumes.mountsFor(pod, c);
        } catch (io.kube4j.node.kubelet.volume.VolumeManager.MountException e) {
            // upstream keeps the container in ContainerCreating and reports the mount on the pod
            events.warning(pod, "", "FailedMount", e.getMessage());
            return Optional.of(new PodActions.Waiting("ContainerCreating", null));
        }
        EnvResolver.Resolved resolved;
        try {
            resolved = EnvResolver.resolve(pod, c, rs.podIp() == null ? "" : podIp(pod, rs), node.nodeIp(),
                    envSources);
        } catch (StartException e) {
            events.warning(pod, path, "Failed", "Error: " + e.getMessage());
            return Optional.of(new PodActions.Waiting(e.reason(), e.getMessage()));
        }
        int restartCount = rs.latest(c.getName()).map(x -> x.restartCount() + 1).orElse(0);
        String id;
        try {
            id = runtime.startContainer(pod, c, sandboxId, restartCount, resolved.env(), resolved.command(),
                    resolved.args(), mounts);
        } catch (StartException e) {
            events.warning(pod, path, "Failed", "Error: " + e.getMessage());
            return Optional.of(new PodActions.Waiting(e.reason(), e.getMessage()));
        }
        events.normal(pod, path, "Created", "Created container: " + c.getName());
        events.normal(pod, path, "Started", "Started container " + c.getName());
        if (c.getLifecycle() != null && c.getLifecycle().getPostStart() != null) {
            Optional<String> failed = runHook(c.getLifecycle().getPostStart(), c, id, podIp(pod, rs),
                    Duration.ofSeconds(gracePeriod(pod)));
            if (failed.isPresent()) {
                events.warning(pod, path, "FailedPostStartHook", failed.get());
                runtime.stopContainer(id, Duration.ofSeconds(MIN_GRACE_SECONDS));
                return Optional.of(new PodActions.Waiting("PostStartHookError", failed.get()));
            }
        }
        return Optional.empty();
    }

    /** Pulls the container's image as its pull policy says, with events and pull back-off. */
    private Optional<PodActions.Waiting> ensureImage(Pod pod, Container c, String path) {
        String image = c.getImage();
        String policy = c.getImagePullPolicy() == null ? "IfNotPresent" : c.getImagePullPolicy();
        String present = runtime.imageRef(image);
        if (policy.equals("Never") && present == null) {
            String msg = "Container image \"" + image + "\" is not present with pull policy of Never";
            events.warning(pod, path, "ErrImageNeverPull", msg);
            events.warning(pod, path, "Failed", "Error: ErrImageNeverPull");
            return Optional.of(new PodActions.Waiting("ErrImageNeverPull", msg));
        }
        if (present != null && !policy.equals("Always")) {
            events.normal(pod, path, "Pulled", "Container image \"" + image + "\" already present on machine");
            return Optional.empty();
        }
        String key = pod.getMetadata().getUid() + "_" + image;
        Map<String, PodActions.Waiting> prior = sticky.getOrDefault(pod.getMetadata().getUid(), Map.of());
        PodActions.Waiting before = prior.get(c.getName());
        if (before != null && (before.reason().equals("ErrImagePull") || before.reason().equals("ImagePullBackOff"))
                && backOff.inBackOffSince(key, lastPullFailure.getOrDefault(key, Instant.EPOCH))) {
            String msg = "Back-off pulling image \"" + image + "\"";
            events.normal(pod, path, "BackOff", msg);
            events.warning(pod, path, "Failed", "Error: ImagePullBackOff");
            return Optional.of(new PodActions.Waiting("ImagePullBackOff", msg));
        }
        events.normal(pod, path, "Pulling", "Pulling image \"" + image + "\"");
        long started = System.nanoTime();
        try {
            pullWithPullSecrets(image, pod);
        } catch (StartException e) {
            backOff.next(key);
            lastPullFailure.put(key, clock.instant());
            events.warning(pod, path, "Failed", "Failed to pull image \"" + image + "\": " + e.getMessage());
            events.warning(pod, path, "Failed", "Error: ErrImagePull");
            return Optional.of(new PodActions.Waiting("ErrImagePull", e.getMessage()));
        }
        backOff.reset(key);
        String took = goDuration(Duration.ofNanos(System.nanoTime() - started));
        events.normal(pod, path, "Pulled", "Successfully pulled image \"" + image + "\" in " + took + " (" + took
                + " including waiting). Image size: " + runtime.imageSize(image) + " bytes.");
        return Optional.empty();
    }

    private final Map<String, Instant> lastPullFailure = new ConcurrentHashMap<>();

    /**
     * Pulls anonymously when no image pull secret of the pod matches the image's registry, else tries each matching
     * login, most specific first, as upstream does; the error of a failed pull names every attempt.
     */
    private void pullWithPullSecrets(String image, Pod pod) throws StartException {
        List<io.kube4j.node.kubelet.credentials.DockerKeyring.Credentials> logins =
                io.kube4j.node.kubelet.credentials.DockerKeyring.of(pullSecrets(pod)).lookup(image);
        if (logins.isEmpty()) {
            runtime.pullImage(image, pod, null);
            return;
        }
        List<String> errors = new java.util.ArrayList<>();
        for (var login : logins) {
            try {
                runtime.pullImage(image, pod, login);
                return;
            } catch (StartException e) {
                errors.add(e.getMessage());
            }
        }
        throw new StartException("ErrImagePull", errors.size() == 1 ? errors.getFirst()
                : "[" + String.join(", ", errors) + "]");
    }

    /** The pod's image pull secrets that exist; a warning event names the ones that could not be read. */
    private List<io.fabric8.kubernetes.api.model.Secret> pullSecrets(Pod pod) {
        var refs = pod.getSpec().getImagePullSecrets();
        if (refs == null || refs.isEmpty()) {
            return List.of();
        }
        List<io.fabric8.kubernetes.api.model.Secret> found = new java.util.ArrayList<>();
        List<String> missing = new java.util.ArrayList<>();
        for (var ref : refs) {
            if (ref.getName() == null || ref.getName().isEmpty()) {
                continue;
            }
            io.fabric8.kubernetes.api.model.Secret s;
            try {
                s = envSources.secret().apply(pod.getMetadata().getNamespace(), ref.getName());
            } catch (RuntimeException e) {
                s = null;
            }
            if (s == null) {
                missing.add(ref.getName());
            } else {
                found.add(s);
            }
        }
        if (!missing.isEmpty()) {
            events.warning(pod, "", "FailedToRetrieveImagePullSecret", "Unable to retrieve some image pull secrets ("
                    + String.join(", ", missing) + "); attempting to pull the image may not succeed.");
        }
        return found;
    }

    /**
     * A duration truncated to milliseconds as Go prints it ({@code 0s}, {@code 312ms}, {@code 1.21s},
     * {@code 1m5.002s}), the way upstream's pull events show it.
     */
    static String goDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        StringBuilder out = new StringBuilder();
        long hours = ms / 3_600_000;
        long minutes = ms / 60_000 % 60;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        long secMs = ms % 60_000;
        out.append(secMs / 1000);
        String frac = String.format(java.util.Locale.ROOT, "%03d", secMs % 1000).replaceFirst("0+$", "");
        if (!frac.isEmpty()) {
            out.append('.').append(frac);
        }
        return out.append('s').toString();
    }

    /** Stops every running container (preStop hooks first, in parallel) and then the sandboxes. */
    private void killPod(Pod pod, RuntimePodStatus rs, Duration grace) {
        List<Thread> kills = new ArrayList<>();
        for (RuntimeContainer c : rs.running()) {
            Container spec = specOf(pod, c.name());
            kills.add(Thread.ofVirtual().start(() -> {
                if (spec != null) {
                    events.normal(pod, containerPath(pod, c.name()), "Killing", "Stopping container " + c.name());
                }
                killContainer(pod, spec, c, grace);
            }));
        }
        for (Thread t : kills) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (RuntimeSandbox sb : rs.sandboxes()) {
            if (sb.ready()) {
                runtime.stopSandbox(sb.id());
            }
        }
        probes.removePod(pod.getMetadata().getUid());
    }

    private void killContainer(Pod pod, Container spec, RuntimeContainer c, Duration grace) {
        Duration hookTook = Duration.ZERO;
        if (spec != null && spec.getLifecycle() != null && spec.getLifecycle().getPreStop() != null
                && grace.toSeconds() > 0) {
            long started = System.nanoTime();
            RuntimePodStatus rs = cache.get(pod.getMetadata().getUid());
            Optional<String> failed = runHook(spec.getLifecycle().getPreStop(), spec, c.id(),
                    rs == null ? null : podIp(pod, rs), grace);
            failed.ifPresent(msg -> events.warning(pod, containerPath(pod, c.name()), "FailedPreStopHook", msg));
            hookTook = Duration.ofNanos(System.nanoTime() - started);
        }
        runtime.stopContainer(c.id(), Duration.ofSeconds(stopTimeoutSeconds(grace.toSeconds(), hookTook)));
    }

    /**
     * The timeout for StopContainer: the grace period less the whole seconds the preStop hook took (as upstream
     * counts them, so a 3 s grace without a hook stays 3 s), never under the 2 s minimum unless no grace at all was given (a forced delete).
     */
    static long stopTimeoutSeconds(long graceSeconds, Duration hookTook) {
        long left = graceSeconds - hookTook.toSeconds();
        if (left < MIN_GRACE_SECONDS && graceSeconds > 0) {
            left = MIN_GRACE_SECONDS;
        }
        return Math.max(0, left);
    }

    /** Runs a lifecycle hook; returns upstream's failure message, or empty on success. */
    private Optional<String> runHook(LifecycleHandler hook, Container c, String containerId, String podIp,
                                     Duration timeout) {
        if (hook.getExec() != null) {
            PodRuntime.ExecResult r = runtime.execSync(containerId, hook.getExec().getCommand(), timeout);
            if (r.exitCode() != 0) {
                return Optional.of("Exec lifecycle hook (" + hook.getExec().getCommand() + ") for Container \""
                        + c.getName() + "\" in Pod failed - error: command '" + String.join(" ",
                        hook.getExec().getCommand()) + "' exited with " + r.exitCode() + ": " + r.output()
                        + ", message: \"" + r.output() + "\"");
            }
            return Optional.empty();
        }
        if (hook.getHttpGet() != null) {
            var probe = new io.fabric8.kubernetes.api.model.ProbeBuilder().withHttpGet(hook.getHttpGet())
                    .withTimeoutSeconds((int) Math.max(1, timeout.toSeconds())).build();
            Prober.Result r = hookRunner.probe(probe, c, containerId, podIp);
            return r.success() ? Optional.empty() : Optional.of("HTTP lifecycle hook (" + hook.getHttpGet().getPath()
                    + ") for Container \"" + c.getName() + "\" in Pod failed - error: " + r.output());
        }
        if (hook.getSleep() != null && hook.getSleep().getSeconds() != null) {
            try {
                Thread.sleep(Math.min(timeout.toMillis(), hook.getSleep().getSeconds() * 1000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return Optional.empty();
    }

    /** Removes the pod's containers and sandboxes from the runtime and forgets it. */
    private void cleanUp(Pod pod) {
        String uid = pod.getMetadata().getUid();
        try {
            cleanUpRuntime(pod, uid);
        } finally {
            volumes.tearDown(uid);
        }
    }

    private void cleanUpRuntime(Pod pod, String uid) {
        RuntimePodStatus rs = cache.remove(uid);
        if (rs == null) {
            rs = refresh(pod);
            cache.remove(uid);
        }
        for (RuntimeContainer c : rs.containers()) {
            try {
                runtime.removeContainer(c.id());
            } catch (RuntimeException e) {
                LOG.debug("container {} not removed: {}", c.id(), e.toString());
            }
            probes.forgetContainer(c.id());
        }
        for (RuntimeSandbox sb : rs.sandboxes()) {
            try {
                runtime.stopSandbox(sb.id());
                runtime.removeSandbox(sb.id());
            } catch (RuntimeException e) {
                LOG.debug("sandbox {} not removed: {}", sb.id(), e.toString());
            }
        }
        probes.removePod(uid);
        sticky.remove(uid);
        evictions.remove(uid);
        statuses.forget(uid);
    }

    private String podIp(Pod pod, RuntimePodStatus rs) {
        return Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? node.nodeIp() : rs.podIp();
    }

    private static Container specOf(Pod pod, String name) {
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        if (pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if (c.getName().equals(name)) {
                    return c;
                }
            }
        }
        return null;
    }

    private static String containerPath(Pod pod, String name) {
        boolean init = pod.getSpec().getInitContainers() != null
                && pod.getSpec().getInitContainers().stream().anyMatch(c -> c.getName().equals(name));
        return EventRecorder.containerPath(init, name);
    }

    static long gracePeriod(Pod pod) {
        Long g = pod.getSpec().getTerminationGracePeriodSeconds();
        return g == null ? 30 : g;
    }
}
