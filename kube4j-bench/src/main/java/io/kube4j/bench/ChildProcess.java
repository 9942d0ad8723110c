package io.kube4j.bench;

import java.util.concurrent.TimeUnit;

/**
 * A child process the bench started (an agent, a scheduler): {@link #stop()} ends it by its PID, SIGTERM first and
 * SIGKILL after a grace period, and a shutdown hook does the same if the bench exits before that. Owned by one
 * benchmark thread.
 */
final class ChildProcess {
    private final Process process;
    private final Thread stopOnExit;

    ChildProcess(Process process, String name) {
        this.process = process;
        this.stopOnExit = new Thread(() -> end(process, 10, false), name + "-" + process.pid());
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    Process process() {
        return process;
    }

    /** Ends the process (15 s grace) and removes the shutdown hook. */
    void stop() {
        end(process, 15, true);
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private static void end(Process process, int graceSeconds, boolean waitAfterKill) {
        process.destroy();
        try {
            if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                if (waitAfterKill) {
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            if (waitAfterKill) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
