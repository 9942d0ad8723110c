package io.kube4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kube4j scheduler}: the scheduler in a process of its own, for servers started with
 * {@code --disable-scheduler}. With leader election (the default) several may run; one schedules.
 */
@Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Run kube4j's scheduler against an API server.")
final class SchedulerCommand implements Callable<Integer> {
    @Option(names = "--kubeconfig", required = true, description = "Kubeconfig of the API server (an admin's).")
    Path kubeconfig;

    @picocli.CommandLine.Mixin
    LeaderElectionFlags election = new LeaderElectionFlags();

    @Override
    public Integer call() throws Exception {
        SchedulerComponent scheduler = SchedulerComponent.start(KubeconfigClient.from(kubeconfig),
                election.config(NodeFlags.hostName()));
        System.out.println("kube4j scheduler running");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.close();
            stopped.countDown();
        }, "kube4j-scheduler-shutdown"));
        stopped.await();
        return 0;
    }
}
