package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.scheduler.queue.QueuedPodInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * One profile's plugins, built from a registry of names, and the code that runs each extension point in the
 * profile's order (upstream's frameworkImpl). The scheduling thread calls the run methods; {@link #runBind} and
 * {@link #runUnreserve} are also called from binding threads. Immutable once built.
 */
public final class Framework implements FrameworkHandle {
    private final KubernetesClient client;
    private final Profile profile;
    private final QueueSortPlugin queueSort;
    private final List<PreFilterPlugin> preFilters = new ArrayList<>();
    private final List<FilterPlugin> filters = new ArrayList<>();
    private final List<PostFilterPlugin> postFilters = new ArrayList<>();
    private final List<ScorePlugin> scores = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    private final List<ReservePlugin> reserves = new ArrayList<>();
    private final List<PermitPlugin> permits = new ArrayList<>();
    private final List<PreBindPlugin> preBinds = new ArrayList<>();
    private final List<BindPlugin> binds = new ArrayList<>();

    /**
     * @param registry plugin factories by name; a plugin named at several extension points is built once
     * @throws IllegalArgumentException when the profile names an unknown plugin or one lacking the extension point
     */
    public Framework(Map<String, Function<FrameworkHandle, Plugin>> registry, Profile profile, KubernetesClient client) {
        this.client = client;
        this.profile = profile;
        Map<String, Plugin> built = new HashMap<>();
        Function<String, Plugin> get = name -> built.computeIfAbsent(name, n -> {
            Function<FrameworkHandle, Plugin> f = registry.get(n);
            if (f == null) {
                throw new IllegalArgumentException("plugin " + n + " is not registered");
            }
            return f.apply(this);
        });
        this.queueSort = as(get.apply(profile.queueSort()), QueueSortPlugin.class);
        profile.preFilter().forEach(n -> preFilters.add(as(get.apply(n), PreFilterPlugin.class)));
        profile.filter().forEach(n -> filters.add(as(get.apply(n), FilterPlugin.class)));
        profile.postFilter().forEach(n -> postFilters.add(as(get.apply(n), PostFilterPlugin.class)));
        profile.score().forEach((n, w) -> {
            scores.add(as(get.apply(n), ScorePlugin.class));
            weights.add(w);
        });
        profile.reserve().forEach(n -> reserves.add(as(get.apply(n), ReservePlugin.class)));
        profile.permit().forEach(n -> permits.add(as(get.apply(n), PermitPlugin.class)));
        profile.preBind().forEach(n -> preBinds.add(as(get.apply(n), PreBindPlugin.class)));
        profile.bind().forEach(n -> binds.add(as(get.apply(n), BindPlugin.class)));
    }

    private static <T> T as(Plugin p, Class<T> point) {
        if (!point.isInstance(p)) {
            throw new IllegalArgumentException("plugin " + p.name() + " does not implement " + point.getSimpleName());
        }
        return point.cast(p);
    }

    public Profile profile() {
        return profile;
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    public boolean less(QueuedPodInfo a, QueuedPodInfo b) {
        return queueSort.less(a, b);
    }

    /**
     * The first pre-filter that does not succeed, with its plugin name; SUCCESS otherwise. SKIP counts as success
     * and, as upstream, the plugin's Filter is then not run for this pod.
     */
    public Status runPreFilter(CycleState state, PodInfo pod) {
        for (PreFilterPlugin p : preFilters) {
            Status s = p.preFilter(state, pod);
            if (s.code() == Code.SKIP) {
                state.skipFilter(p.name());
            } else if (!s.isSuccess()) {
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** The profile's filters without those the state skips (every pre-filter has run, so once per cycle). */
    private List<FilterPlugin> activeFilters(CycleState state) {
        List<FilterPlugin> active = state.activeFilters;
        if (active == null) {
            Set<String> skip = state.skipFilterPlugins();
            if (skip.isEmpty()) {
                active = filters;
            } else {
                active = new ArrayList<>(filters.size());
                for (FilterPlugin p : filters) {
                    if (!skip.contains(p.name())) {
                        active.add(p);
                    }
                }
            }
            state.activeFilters = active;
        }
        return active;
    }

    @Override
    public Status runFilters(CycleState state, PodInfo pod, NodeInfo node) {
        List<FilterPlugin> active = activeFilters(state);
        for (int i = 0, n = active.size(); i < n; i++) {
            FilterPlugin p = active.get(i);
            Status s = p.filter(state, pod, node);
            if (!s.isSuccess() && s.code() != Code.SKIP) {
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** The post-filters' verdict; its message ends the FailedScheduling message. */
    public Status runPostFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes, Map<String, Status> statuses) {
        Status last = Status.unschedulable();
        for (PostFilterPlugin p : postFilters) {
            Status s = p.postFilter(state, pod, nodes, statuses);
            if (s.isSuccess()) {
                return s.withPlugin(p.name());
            }
            last = s.withPlugin(p.name());
        }
        return last;
    }

    public boolean hasScorePlugins() {
        return !scores.isEmpty();
    }

    /** The weighted sum of every score plugin's normalized score, per node in the given order. */
    public long[] runScores(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
        long[] total = new long[nodes.size()];
        long[] one = new long[nodes.size()];
        for (int p = 0; p < scores.size(); p++) {
            ScorePlugin plugin = scores.get(p);
            for (int i = 0; i < one.length; i++) {
                one[i] = plugin.score(state, pod, nodes.get(i));
            }
            plugin.normalize(state, pod, one);
            int w = weights.get(p);
            for (int i = 0; i < one.length; i++) {
                total[i] += one[i] * w;
            }
        }
        return total;
    }

    public Status runReserve(CycleState state, PodInfo pod, String nodeName) {
        for (ReservePlugin p : reserves) {
            Status s = p.reserve(state, pod, nodeName);
            if (!s.isSuccess()) {
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Undoes every reserve plugin, in reverse order, as upstream does. */
    public void runUnreserve(CycleState state, PodInfo pod, String nodeName) {
        for (int i = reserves.size() - 1; i >= 0; i--) {
            reserves.get(i).unreserve(state, pod, nodeName);
        }
    }

    public Status runPermit(CycleState state, PodInfo pod, String nodeName) {
        for (PermitPlugin p : permits) {
            Status s = p.permit(state, pod, nodeName);
            if (!s.isSuccess()) {
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    public boolean hasPreBindPlugins() {
        return !preBinds.isEmpty();
    }

    /** Every pre-bind plugin in order; the first failure wins (SKIP counts as success). May block. */
    public Status runPreBind(CycleState state, PodInfo pod, String nodeName) {
        for (PreBindPlugin p : preBinds) {
            Status s = p.preBind(state, pod, nodeName);
            if (!s.isSuccess() && s.code() != Code.SKIP) {
                return s.withPlugin(p.name());
            }
        }
        return Status.SUCCESS;
    }

    /** Tries the bind plugins in order until one does not SKIP. */
    public CompletionStage<Status> runBind(CycleState state, PodInfo pod, String nodeName) {
        return bindFrom(0, state, pod, nodeName);
    }

    private CompletionStage<Status> bindFrom(int i, CycleState state, PodInfo pod, String nodeName) {
        if (i >= binds.size()) {
            return CompletableFuture.completedFuture(Status.error("no bind plugin bound the pod"));
        }
        BindPlugin p = binds.get(i);
        return p.bind(state, pod, nodeName).thenCompose(s -> s.code() == Code.SKIP
                ? bindFrom(i + 1, state, pod, nodeName)
                : CompletableFuture.completedFuture(s.withPlugin(p.name())));
    }
}
