package io.kube4j.apiserver.resources.core.endpoints;

import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.resources.BackgroundTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Upstream's lease endpoint reconciler: every {@link #INTERVAL} this server renews its record in
 * {@link MasterLeases} (valid for {@link #TTL}) and then makes the {@code default/kubernetes} Endpoints and
 * EndpointSlice list every live server ({@link ApiServerEndpoints}). A server that stops cleanly removes its record
 * and reconciles once more ({@link #close}); a killed one drops out once its record expired, at the next
 * reconcile of any survivor. Started and closed by ClusterBootstrap; {@link #reconcile} and {@link #close} are
 * serialized, so this class is thread-safe.
 */
public final class ApiServerEndpointReconciler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerEndpointReconciler.class);
    /** Upstream's DefaultEndpointReconcilerInterval. */
    public static final Duration INTERVAL = Duration.ofSeconds(10);
    /** Upstream's DefaultEndpointReconcilerTTL. */
    public static final Duration TTL = Duration.ofSeconds(15);

    private final MasterLeases leases;
    private final MasterLeases.Lease self;
    private final Store endpoints;
    private final Store slices;
    private BackgroundTasks timer;
    private boolean stopped;

    /** {@code self} is this server's advertised address and port. */
    public ApiServerEndpointReconciler(MasterLeases leases, MasterLeases.Lease self, Store endpoints, Store slices) {
        this.leases = leases;
        this.self = self;
        this.endpoints = endpoints;
        this.slices = slices;
    }

    /** Reconciles once now, so the endpoints name this server when the server starts serving, then every interval. */
    public void start() {
        reconcile();
        timer = new BackgroundTasks("apiserver-endpoints")
                .every(INTERVAL, "reconciling the endpoints of the kubernetes service", this::reconcile);
    }

    /**
     * Renews this server's record, then writes the endpoints of every live server. The record is renewed first
     * and whatever happens after, so other servers keep listing this one.
     */
    public synchronized void reconcile() {
        if (stopped) {
            return;
        }
        leases.renew(self);
        if (!ApiServerEndpoints.reconcile(endpoints, slices, leases.list())) {
            LOG.warn("no API server listed in storage although this one just renewed its record: not erasing the "
                    + "endpoints of the kubernetes service");
        }
    }

    /** Stops reconciling, removes this server's record and reconciles once more so the others no longer list it. */
    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            try {
                leases.remove(self);
                if (ApiServerEndpoints.reconcile(endpoints, slices, leases.list())) {
                    LOG.info("removed this API server from the kubernetes service address={} port={}", self.ip(),
                            self.port());
                } else {
                    LOG.info("the last API server stopping: the kubernetes service keeps its endpoints");
                }
            } catch (RuntimeException e) {
                LOG.warn("removing this API server from the kubernetes service failed; it drops out after {}", TTL, e);
            }
        }
    }
}
