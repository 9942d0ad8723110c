package io.kube4j.controllers.replicaset;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SlowStartBatchTest {
    @Test
    void runsAllCallsInDoublingBatches() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SlowStartBatch.Result r = SlowStartBatch.run(10, 1, calls::incrementAndGet);
        assertThat(r.successes()).isEqualTo(10);
        assertThat(r.error()).isNull();
        assertThat(calls).hasValue(10);
    }

    @Test
    void stopsAfterTheFirstBatchWithAFailure() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        // batches 1, 2, 4: the fourth call (first of the third batch) fails, the rest of that batch still runs
        SlowStartBatch.Result r = SlowStartBatch.run(20, 1, () -> {
            if (calls.incrementAndGet() == 4) {
                throw new IllegalStateException("exceeded quota");
            }
            return null;
        });
        assertThat(calls).hasValue(7);
        assertThat(r.successes()).isEqualTo(6);
        assertThat(r.error()).hasMessage("exceeded quota");
    }

    @Test
    void aFailingFirstCallCostsOneCall() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        SlowStartBatch.Result r = SlowStartBatch.run(500, 1, () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("forbidden");
        });
        assertThat(calls).hasValue(1);
        assertThat(r.successes()).isZero();
    }
}
