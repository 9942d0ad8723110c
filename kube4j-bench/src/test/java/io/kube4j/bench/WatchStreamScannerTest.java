package io.kube4j.bench;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's watch stream reader: sequence numbers matched per line, however the stream is cut into chunks. */
class WatchStreamScannerTest {
    private final long[] latency = new long[2 * 10];
    private final AtomicLongArray sent = new AtomicLongArray(10);
    private final LongAdder delivered = new LongAdder();

    WatchStreamScannerTest() {
        Arrays.fill(latency, -1);
    }

    private static String event(int seq) {
        return "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"warm-0\",\"annotations\":"
                + "{\"bench/seq\":\"" + seq + "\"},\"managedFields\":[{\"fieldsV1\":{\"f:bench/seq\":{}}}]}}}\n";
    }

    @Test
    void recordsEachLineOnceWhateverTheChunking() {
        String stream = event(0) + event(1) + event(2) + event(3);
        byte[] b = stream.getBytes(StandardCharsets.UTF_8);
        // every cut of the stream into three chunks, including cuts inside the marker and the number
        for (int cut1 = 0; cut1 < b.length; cut1 += 7) {
            for (int cut2 = cut1; cut2 < b.length; cut2 += 13) {
                Arrays.fill(latency, -1);
                WatchStreamScanner s = new WatchStreamScanner(latency, 10, 10, sent, new LongAdder());
                s.handle(Buffer.buffer(Arrays.copyOfRange(b, 0, cut1)));
                s.handle(Buffer.buffer(Arrays.copyOfRange(b, cut1, cut2)));
                s.handle(Buffer.buffer(Arrays.copyOfRange(b, cut2, b.length)));

                assertThat(s.received()).as("cuts %d, %d", cut1, cut2).isEqualTo(4);
                assertThat(s.unmatched() + s.duplicates() + s.outOfOrder()).isZero();
                for (int seq = 0; seq < 4; seq++) {
                    assertThat(latency[10 + seq]).isNotNegative();
                }
                assertThat(latency[10 + 4]).isEqualTo(-1);
                assertThat(latency[0]).as("another watcher's slots stay untouched").isEqualTo(-1);
            }
        }
    }

    @Test
    void latencyIsArrivalMinusSendTime() {
        sent.set(5, System.nanoTime() - 1_000_000_000L);
        WatchStreamScanner s = new WatchStreamScanner(latency, 0, 10, sent, delivered);

        s.handle(Buffer.buffer(event(5)));

        assertThat(latency[5]).isBetween(1_000_000_000L, 60_000_000_000L);
        assertThat(delivered.sum()).isEqualTo(1);
    }

    @Test
    void countsDuplicatesOutOfOrderAndUnmatchedLines() {
        WatchStreamScanner s = new WatchStreamScanner(latency, 0, 10, sent, delivered);

        s.handle(Buffer.buffer(event(2) + event(2) + event(1) + event(12)
                + "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"9\"}}}\n"
                + "{\"annotations\":{\"bench/seq\":\"x\"}}\n"
                + "{\"annotations\":{\"\"bench/seq\":\"7\"}}\n"));

        assertThat(s.received()).isEqualTo(3);
        assertThat(s.duplicates()).isEqualTo(1);
        assertThat(s.outOfOrder()).as("1 after 2").isEqualTo(1);
        // 12 is past the run's writes; the bookmark and the line without a number match no write
        assertThat(s.unmatched()).isEqualTo(3);
        assertThat(latency[7]).as("found after a repeated quote").isNotNegative();
        assertThat(delivered.sum()).isEqualTo(3);
    }
}
