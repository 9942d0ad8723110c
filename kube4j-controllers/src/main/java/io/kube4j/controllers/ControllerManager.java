package io.kube4j.controllers;

import io.kube4j.client.leaderelection.LeaderElection;
import io.kube4j.client.leaderelection.LeaderElectionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a set of controllers, as kube-controller-manager does: with leader election on (the default) it campaigns
 * for the Lease {@code kube-system/kube-controller-manager} and runs the controllers only while it leads; without,
 * it runs them at once. Controllers are built per term, so a new leader starts from fresh informers.
 */
public final class ControllerManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);
    /** How long the end of a term waits for the controllers' workers to return from the sync they are in. */
    static final Duration WORKER_STOP_WAIT = Duration.ofSeconds(5);
    public static final String LEASE_NAME = "kube-controller-manager";

    private final java.util.function.Supplier<ControllerContext> contexts;
    private final List<Function<ControllerContext, Controller>> factories;
    private final LeaderElectionConfig election;
    private final String leaseName;
    private ControllerContext ctx;
    private final List<Controller> running = new ArrayList<>();
    private LeaderElection elector;

    public ControllerManager(java.util.function.Supplier<ControllerContext> contexts,
                             List<Function<ControllerContext, Controller>> factories, LeaderElectionConfig election) {
        this(contexts, factories, election, LEASE_NAME);
    }

    public ControllerManager(java.util.function.Supplier<ControllerContext> contexts,
                             List<Function<ControllerContext, Controller>> factories, LeaderElectionConfig election,
                             String leaseName) {
        this.contexts = contexts;
        this.factories = factories;
        this.election = election;
        this.leaseName = leaseName;
    }

    public ControllerManager start() {
        elector = LeaderElection.start(election.enabled() ? contexts.get().client() : null, leaseName,
                election, this::runControllers, this::stopControllers);
        return this;
    }

    private synchronized void runControllers() {
        ctx = contexts.get();
        for (Function<ControllerContext, Controller> f : factories) {
            Controller c = f.apply(ctx);
            c.register();
            running.add(c);
        }
        try {
            ctx.startInformers(Duration.ofSeconds(60));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        running.forEach(Controller::startWorkers);
        LOG.info("{} running controllers {}", leaseName, running.stream().map(Controller::name).toList());
    }

    private synchronized void stopControllers() {
        running.forEach(Controller::close);
        // the workers finish the sync they are in (interrupted) before the views they read from go away
        long deadline = System.nanoTime() + WORKER_STOP_WAIT.toNanos();
        try {
            for (Controller c : running) {
                if (!c.awaitWorkers(deadline)) {
                    LOG.warn("{} workers still running {} after stopping", c.name(), WORKER_STOP_WAIT);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.clear();
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }

    /** True while this manager runs its controllers (it leads, or election is off). */
    public synchronized boolean isRunning() {
        return !running.isEmpty();
    }

    @Override
    public void close() {
        if (elector != null) {
            elector.close();
        }
        stopControllers();
    }
}
