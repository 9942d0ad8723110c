package io.kube4j.apiserver.server;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One event-loop task for the drains the streams of a connection request together. */
class DrainBatchTest {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final DrainBatch batch = new DrainBatch(tasks::add);

    @Test
    void drainsRequestedTogetherRunInOneTaskInOrder() {
        List<String> ran = new ArrayList<>();
        batch.request(() -> ran.add("a"));
        batch.request(() -> ran.add("b"));
        batch.request(() -> ran.add("c"));

        assertThat(tasks).hasSize(1);
        tasks.poll().run();
        assertThat(ran).containsExactly("a", "b", "c");

        // a request made after the task took the batch gets a task of its own
        batch.request(() -> ran.add("d"));
        assertThat(tasks).hasSize(1);
        tasks.poll().run();
        assertThat(ran).containsExactly("a", "b", "c", "d");
    }

    @Test
    void aDrainRequestedWhileTheBatchRunsRunsInTheNextTask() {
        List<String> ran = new ArrayList<>();
        batch.request(() -> {
            ran.add("first");
            batch.request(() -> ran.add("again"));
        });

        tasks.poll().run();
        assertThat(ran).containsExactly("first");
        assertThat(tasks).hasSize(1);
        tasks.poll().run();
        assertThat(ran).containsExactly("first", "again");
        assertThat(tasks).isEmpty();
    }

    @Test
    void aFailingDrainDoesNotStopTheOthers() {
        List<String> ran = new ArrayList<>();
        batch.request(() -> {
            throw new IllegalStateException("stream reset");
        });
        batch.request(() -> ran.add("next"));

        tasks.poll().run();

        assertThat(ran).containsExactly("next");
    }

    @Test
    void requestsFromManyThreadsAreEachDrainedOnce() throws Exception {
        int threads = 4;
        int each = 10_000;
        int[] count = new int[1];
        List<Thread> started = new ArrayList<>();
        Object loop = new Object();
        DrainBatch shared = new DrainBatch(r -> {
            synchronized (loop) {
                r.run();
            }
        });
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    shared.request(() -> count[0]++);
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        synchronized (loop) {
            assertThat(count[0]).isEqualTo(threads * each);
        }
    }

    @Test
    void oneBufferPerLineSharedByTheStreamsThatWriteIt() {
        byte[] line = "{\"type\":\"MODIFIED\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] next = "{\"type\":\"DELETED\"}\n".getBytes(StandardCharsets.UTF_8);

        Buffer b = batch.shared(line);

        assertThat(batch.shared(line)).isSameAs(b);
        assertThat(b.getBytes()).isEqualTo(line);
        Buffer c = batch.shared(next);
        assertThat(c).isNotSameAs(b);
        assertThat(c.toString(StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"DELETED\"}\n");
        // an equal line in another array is another event's: not mixed up with it
        assertThat(batch.shared(line.clone())).isNotSameAs(b);
    }

    @Test
    void oneBatchPerChannel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        EmbeddedChannel other = new EmbeddedChannel();

        assertThat(DrainBatch.of(ch)).isSameAs(DrainBatch.of(ch)).isNotSameAs(DrainBatch.of(other));
        List<String> ran = new ArrayList<>();
        DrainBatch.of(ch).request(() -> ran.add("on the channel's loop"));
        ch.runPendingTasks();
        assertThat(ran).containsExactly("on the channel's loop");
        ch.finishAndReleaseAll();
        other.finishAndReleaseAll();
    }
}
