package io.kube4j.node.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.node.host.HostCommand;

/**
 * kube-proxy: informers on Services and EndpointSlices (all namespaces) feed one sync loop that rebuilds the whole
 * ruleset ({@link RulesetBuilder}) and applies it as one {@code nft -f -} transaction. A change marks the state
 * dirty; change-driven syncs are at least {@link ProxyOptions#minSyncInterval()} apart (changes in between are
 * coalesced), and a sync happens at least every {@link ProxyOptions#fullSyncInterval()} anyway, so nothing missed
 * stays missed. A failed
 * transaction makes the next sync recreate the table from nothing.
 *
 * <p>It measures, for each EndpointSlice change, the time from the informer event to the rules being applied
 * ({@link #latencies()}, logged at DEBUG per sync and summed up at INFO on each full sync).
 *
 * <p>Started and closed by the node agent; {@link #close()} leaves the rules in place (a restarted node replaces
 * them; {@code kube4j killall} removes the table). Thread-safe.
 */
public final class KubeProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeProxy.class);

    /** Applies one nft script; throws if nft refused it. Called from the sync thread only. */
    @FunctionalInterface
    public interface RulesetApplier {
        void apply(String script);

        /** The host's nft. */
        static RulesetApplier nft() {
            return script -> HostCommand.run(List.of("nft", "-f", "-"), script, Map.of(), Duration.ofSeconds(30))
                    .orThrow();
        }
    }

    private final ProxyOptions options;
    private final KubernetesClient client;
    private final RulesetApplier applier;
    private final Clock clock;
    private final RulesetBuilder builder;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Long> pendingChanges = new ArrayList<>(); // nanoTime of slice events since the last sync
    private final long[] latencyRing = new long[4096];
    private int latencyCount;
    private boolean dirty = true;
    private volatile boolean closed;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private Thread loop;
    private NftRuleset installed;
    private volatile Instant lastSync;
    private long syncs;

    public KubeProxy(ProxyOptions options, KubernetesClient client, RulesetApplier applier, Clock clock) {
        this.options = options;
        this.client = client;
        this.applier = applier;
        this.clock = clock;
        this.builder = new RulesetBuilder(options);
    }

    /** Starts the informers and the sync loop; the first sync happens once both informers have synced. */
    public void start() {
        services = client.services().inAnyNamespace().inform(handler(false));
        slices = client.discovery().v1().endpointSlices().inAnyNamespace().inform(handler(true));
        loop = Thread.ofVirtual().name("kube-proxy-sync").start(this::run);
        LOG.info("kube-proxy started table={} node={} minSync={} fullSync={}", options.table(), options.nodeName(),
                options.minSyncInterval(), options.fullSyncInterval());
    }

    private <T> ResourceEventHandler<T> handler(boolean slice) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                markDirty(slice);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                markDirty(slice);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                markDirty(slice);
            }
        };
    }

    private void markDirty(boolean slice) {
        lock.lock();
        try {
            dirty = true;
            if (slice && pendingChanges.size() < 10_000) {
                pendingChanges.add(System.nanoTime());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        long lastStart = 0;
        long lastFull = System.nanoTime();
        try {
            while (!closed && !(services.hasSynced() && slices.hasSynced())) {
                Thread.sleep(20);
            }
            while (!closed) {
                List<Long> changes;
                boolean changed;
                lock.lock();
                try {
                    long fullDue = lastFull + options.fullSyncInterval().toNanos();
                    while (!dirty && !closed && System.nanoTime() < fullDue) {
                        this.changed.awaitNanos(fullDue - System.nanoTime());
                    }
                    if (closed) {
                        return;
                    }
                    changed = dirty;
                    dirty = false;
                    changes = List.copyOf(pendingChanges);
                    pendingChanges.clear();
                } finally {
                    lock.unlock();
                }
                // The minimum interval spaces change-driven syncs only: a periodic sync just before a change
                // doesn't delay it (upstream's runner allows a burst of two for the same reason).
                long wait = lastStart + options.minSyncInterval().toNanos() - System.nanoTime();
                if (changed && lastStart != 0 && wait > 0) {
                    // coalesce: whatever else changes meanwhile goes into this sync too
                    TimeUnit.NANOSECONDS.sleep(wait);
                    lock.lock();
                    try {
                        dirty = false;
                        changes = new ArrayList<>(changes);
                        changes.addAll(pendingChanges);
                        pendingChanges.clear();
                    } finally {
                        lock.unlock();
                    }
                }
                long now = System.nanoTime();
                if (changed) {
                    lastStart = now;
                }
                boolean full = now - lastFull >= options.fullSyncInterval().toNanos();
                if (full) {
                    lastFull = now;
                }
                syncOnce(changes, full);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One sync from the informer caches; on failure the state stays dirty and the table is recreated next time. */
    private void syncOnce(List<Long> changes, boolean full) {
        long t0 = System.nanoTime();
        List<ServicePortEndpoints> ports = ServicePorts.from(services.getStore().list(), slices.getStore().list());
        NftRuleset ruleset = builder.build(ports);
        String script = ruleset.script(installed);
        try {
            applier.apply(script);
        } catch (RuntimeException e) {
            installed = null;
            LOG.warn("kube-proxy sync failed, retrying with a fresh table error={}", e.getMessage());
            lock.lock();
            try {
                dirty = true;
                pendingChanges.addAll(changes);
            } finally {
                lock.unlock();
            }
            return;
        }
        installed = ruleset;
        long done = System.nanoTime();
        lastSync = clock.instant();
        long[] lat = changes.stream().mapToLong(c -> done - c).toArray();
        synchronized (latencyRing) {
            syncs++;
            for (long l : lat) {
                latencyRing[latencyCount++ % latencyRing.length] = l;
            }
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("kube-proxy rules applied servicePorts={} chains={} syncMs={} sliceChanges={} maxLatencyMs={}",
                    ports.size(), ruleset.chains().size(), (done - t0) / 1_000_000, lat.length,
                    Arrays.stream(lat).max().orElse(0) / 1_000_000);
        }
        if (full) {
            long[] all = latencies();
            LOG.info("kube-proxy full sync servicePorts={} chains={} syncMs={} syncs={} "
                            + "endpointChangeToRulesMs p50={} p99={} n={}", ports.size(), ruleset.chains().size(),
                    (done - t0) / 1_000_000, syncs, percentile(all, 50) / 1_000_000, percentile(all, 99) / 1_000_000,
                    all.length);
        }
    }

    /** Nanoseconds from each recent EndpointSlice event to the rules that include it being applied, sorted. */
    public long[] latencies() {
        synchronized (latencyRing) {
            long[] out = Arrays.copyOf(latencyRing, Math.min(latencyCount, latencyRing.length));
            Arrays.sort(out);
            return out;
        }
    }

    /** The p-th percentile of sorted values (0 when empty). */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** When the rules were last applied, or null before the first sync. */
    public Instant lastSync() {
        return lastSync;
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (loop != null) {
            loop.interrupt();
        }
        if (services != null) {
            services.close();
        }
        if (slices != null) {
            slices.close();
        }
    }
}
