package io.kube4j.client.workqueue;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitingQueueTest {
    @Test
    void aKeyIsQueuedOnceAndNeverHandedToTwoWorkers() throws Exception {
        RateLimitingQueue<String> q = new RateLimitingQueue<>();
        q.add("a");
        q.add("a");
        q.add("b");
        assertThat(q.length()).isEqualTo(2);
        assertThat(q.get()).contains("a");
        q.add("a"); // added while processed: waits for done
        assertThat(q.get()).contains("b");
        assertThat(q.length()).isZero();
        q.done("a");
        assertThat(q.get()).contains("a");
    }

    @Test
    void delayedKeysComeWhenTheirTimeHasCome() throws Exception {
        RateLimitingQueue<String> q = new RateLimitingQueue<>();
        long t0 = System.nanoTime();
        q.addAfter("late", Duration.ofMillis(150));
        q.addAfter("soon", Duration.ofMillis(20));
        assertThat(q.get()).contains("soon");
        assertThat(q.get()).contains("late");
        // the queue counts whole milliseconds, so allow for the one it may round away
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(149));
    }

    @Test
    void backOffDoublesFromFiveMillisecondsUpToTheMaximumAndForgetResetsIt() {
        RateLimitingQueue<String> q = new RateLimitingQueue<>(Clock.systemUTC(), Duration.ofMillis(5),
                Duration.ofSeconds(1000));
        assertThat(q.backOff(0)).isEqualTo(Duration.ofMillis(5));
        assertThat(q.backOff(3)).isEqualTo(Duration.ofMillis(40));
        assertThat(q.backOff(30)).isEqualTo(Duration.ofSeconds(1000));
        q.addRateLimited("k");
        q.addRateLimited("k");
        assertThat(q.numRequeues("k")).isEqualTo(2);
        q.forget("k");
        assertThat(q.numRequeues("k")).isZero();
    }

    @Test
    void shutDownReleasesWaitingWorkers() throws Exception {
        RateLimitingQueue<String> q = new RateLimitingQueue<>();
        CompletableFuture<Optional<String>> got = CompletableFuture.supplyAsync(() -> {
            try {
                return q.get();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        q.shutDown();
        assertThat(got.get(2, TimeUnit.SECONDS)).isEmpty();
    }
}
