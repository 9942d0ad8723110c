package io.kube4j.controllers.replicaset;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs {@code count} calls in batches of growing size (1, 2, 4, ...), all calls of a batch in parallel, and stops
 * after the first batch in which a call fails, as upstream's slowStartBatch: a create that fails (a quota, an
 * admission webhook) then costs one call, not hundreds. Called by the replica set workers; stateless.
 */
public final class SlowStartBatch {
    private SlowStartBatch() {
    }

    /** How many calls succeeded, and the first error (null when none failed). */
    public record Result(int successes, Exception error) {
    }

    public static Result run(int count, int initialBatchSize, Callable<?> call) throws InterruptedException {
        int remaining = count;
        int successes = 0;
        int batch = Math.min(remaining, initialBatchSize);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            while (batch > 0) {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    calls.add(pool.submit(call));
                }
                Exception error = null;
                for (Future<?> f : calls) {
                    try {
                        f.get();
                        successes++;
                    } catch (ExecutionException e) {
                        if (error == null) {
                            error = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                        }
                    }
                }
                if (error != null) {
                    return new Result(successes, error);
                }
                remaining -= batch;
                batch = Math.min(remaining, 2 * batch);
            }
        }
        return new Result(successes, null);
    }
}
