package io.kube4j.controllers;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Stopping a controller: its workers finish the sync they are in before {@link Controller#awaitWorkers} returns. */
class ControllerStopTest {
    /** A controller whose one sync ignores interrupts until the test releases it. */
    static final class Busy extends Controller {
        final CountDownLatch inSync = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean finished = new AtomicBoolean();

        Busy() {
            super(null);
        }

        @Override
        public String name() {
            return "busy";
        }

        @Override
        protected int workers() {
            return 1;
        }

        @Override
        protected void register() {
        }

        @Override
        protected void sync(String key) {
            inSync.countDown();
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    // work that does not stop when interrupted, as a request already sent
                }
            }
            finished.set(true);
        }
    }

    @Test
    void awaitingTheWorkersWaitsForTheSyncInProgressAndGivesUpAtTheDeadline() throws Exception {
        Busy c = new Busy();
        c.startWorkers();
        c.enqueue("k");
        assertThat(c.inSync.await(10, TimeUnit.SECONDS)).isTrue();

        c.close();
        assertThat(c.awaitWorkers(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200))).isFalse();
        assertThat(c.finished).isFalse();

        c.release.countDown();
        assertThat(c.awaitWorkers(System.nanoTime() + TimeUnit.SECONDS.toNanos(10))).isTrue();
        assertThat(c.finished).isTrue();
    }
}
