package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The pod volumes, laid out as upstream's kubelet does under {@code PODS/<uid>/volumes/<plugin>/<name>}, each kind
 * handled by a {@link VolumePlugin}: emptyDir, hostPath, configMap, secret (tmpfs), downwardAPI, projected and
 * persistentVolumeClaim. Other types fail the mount, so the container waits instead of starting without its data.
 * API data volumes are rewritten in place by {@link #update} on the pod's resyncs. Called by the pod's worker only;
 * different pods' calls are independent (per-pod state is in concurrent maps).
 */
public final class VolumeManager {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);
    /** Upstream refreshes API data volumes within about a minute; this node does it at least this often. */
    static final Duration UPDATE_PERIOD = Duration.ofSeconds(15);

    /** One bind mount for the runtime. */
    public record Mount(String containerPath, String hostPath, boolean readOnly) {
    }

    /** A volume that could not be set up, with upstream's FailedMount wording. */
    public static final class MountException extends Exception {
        public MountException(String message) {
            super(message);
        }
    }

    private record LastUpdate(Instant at, String metadata) {
    }

    private final Path podsDir;
    private final Clock clock;
    private final List<VolumePlugin> plugins;
    private final Map<String, LastUpdate> updates = new ConcurrentHashMap<>();

    /** A manager that can only set up emptyDir and hostPath volumes and tear any down (no API server). */
    public VolumeManager(Path podsDir) {
        this(podsDir, VolumeSources.none(), Clock.systemUTC(), new Random());
    }

    public VolumeManager(Path podsDir, VolumeSources sources, Clock clock, Random random) {
        this.podsDir = podsDir;
        this.clock = clock;
        this.plugins = List.of(new EmptyDirPlugin(), new HostPathPlugin(),
                new ConfigMapPlugin(sources, clock, random), new SecretPlugin(sources, clock, random),
                new DownwardApiPlugin(sources, clock, random), new ProjectedPlugin(sources, clock, random),
                new PersistentVolumeClaimPlugin(sources));
    }

    /** Sets up the volumes the container mounts (idempotent) and returns its bind mounts, in spec order. */
    public List<Mount> mountsFor(Pod pod, Container c) throws MountException {
        List<Mount> out = new ArrayList<>();
        if (c.getVolumeMounts() == null) {
            return out;
        }
        for (VolumeMount vm : c.getVolumeMounts()) {
            Volume v = volume(pod, vm.getName());
            if (v == null) {
                throw new MountException("volume \"" + vm.getName() + "\" not found in the pod's volumes");
            }
            VolumePlugin plugin = pluginFor(v);
            Path source = plugin.setUp(pod, v, dirOf(pod, plugin, v));
            if (vm.getSubPath() != null && !vm.getSubPath().isEmpty()) {
                source = subPath(source, vm.getSubPath(), v);
            }
            out.add(new Mount(vm.getMountPath(), source.toString(),
                    Boolean.TRUE.equals(vm.getReadOnly()) || plugin.readOnly(v)));
        }
        return out;
    }

    /**
     * Rewrites the pod's API data volumes that are already set up (configMap, secret, downwardAPI, projected), so
     * running containers see new data through {@code ..data}. Cheap to call on every sync: it works when the
     * pod's labels or annotations changed, or when {@link #UPDATE_PERIOD} has passed. A failure keeps the old
     * files, as upstream does.
     */
    public void update(Pod pod) {
        if (pod.getSpec().getVolumes() == null) {
            return;
        }
        String uid = pod.getMetadata().getUid();
        String metadata = Objects.toString(pod.getMetadata().getLabels()) + Objects.toString(
                pod.getMetadata().getAnnotations());
        Instant now = clock.instant();
        LastUpdate last = updates.get(uid);
        if (last != null && last.metadata().equals(metadata) && now.isBefore(last.at().plus(UPDATE_PERIOD))) {
            return;
        }
        updates.put(uid, new LastUpdate(now, metadata));
        for (Volume v : pod.getSpec().getVolumes()) {
            VolumePlugin plugin = plugins.stream().filter(p -> p.supports(v)).findFirst().orElse(null);
            if (plugin == null || !plugin.updatesInPlace()) {
                continue;
            }
            Path dir = dirOf(pod, plugin, v);
            if (!Files.isDirectory(dir)) {
                continue; // not set up yet: the container start does it
            }
            try {
                plugin.setUp(pod, v, dir);
            } catch (MountException e) {
                LOG.debug("pod={}/{} volume={} not updated: {}", pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(), v.getName(), e.getMessage());
            }
        }
    }

    private static Volume volume(Pod pod, String name) {
        return pod.getSpec().getVolumes() == null ? null : pod.getSpec().getVolumes().stream()
                .filter(x -> x.getName().equals(name)).findFirst().orElse(null);
    }

    private VolumePlugin pluginFor(Volume v) throws MountException {
        for (VolumePlugin p : plugins) {
            if (p.supports(v)) {
                return p;
            }
        }
        throw new MountException(failed(v, "volume type " + typeOf(v) + " is not supported by this node yet"));
    }

    private Path dirOf(Pod pod, VolumePlugin plugin, Volume v) {
        return podsDir.resolve(pod.getMetadata().getUid()).resolve("volumes").resolve(plugin.dirName())
                .resolve(v.getName());
    }

    /**
     * The subPath inside the volume. Symlinks are resolved now, so a subPath of a configMap key is bound to the
     * file of this moment and never changes afterwards, as upstream.
     */
    private static Path subPath(Path source, String sub, Volume v) throws MountException {
        Path p = source.resolve(sub).normalize();
        if (!p.startsWith(source) || sub.startsWith("/")) {
            throw new MountException(failed(v, "subPath " + sub + " must stay inside the volume"));
        }
        try {
            if (!Files.exists(p) && v.getEmptyDir() != null) {
                Files.createDirectories(p);
            }
            if (Files.exists(p)) {
                Path real = p.toRealPath();
                if (!real.startsWith(source.toRealPath())) {
                    throw new MountException(failed(v, "subPath " + sub + " must stay inside the volume"));
                }
                return real;
            }
        } catch (IOException e) {
            throw new MountException(failed(v, e.getMessage()));
        }
        return p;
    }

    /** Where a pod's emptyDir volume lives on the node, set up or not: what the eviction manager measures. */
    public Path emptyDirPath(String podUid, String volumeName) {
        return podsDir.resolve(podUid).resolve("volumes").resolve(EmptyDirPlugin.DIR_NAME).resolve(volumeName);
    }

    /** Removes the pod's volume directories (unmounting tmpfs first). Called once its containers are gone. */
    public void tearDown(String podUid) {
        updates.remove(podUid);
        plugins.forEach(p -> p.forget(podUid));
        Path dir = podsDir.resolve(podUid);
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Tmpfs.unmountAllUnder(dir);
        } catch (IOException e) {
            LOG.warn("volumes of pod {} not unmounted: {}", podUid, e.toString());
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String failed(Volume v, String why) {
        return "MountVolume.SetUp failed for volume \"" + v.getName() + "\" : " + why;
    }

    private static String typeOf(Volume v) {
        if (v.getNfs() != null) {
            return "nfs";
        }
        if (v.getCsi() != null) {
            return "csi";
        }
        if (v.getEphemeral() != null) {
            return "ephemeral";
        }
        return "of this kind";
    }
}
