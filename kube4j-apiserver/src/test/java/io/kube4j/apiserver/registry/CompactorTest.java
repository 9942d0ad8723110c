package io.kube4j.apiserver.registry;

import io.kube4j.storage.StorageException;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CompactorTest {
    private static byte[] v(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void compactsToThePreviousTicksRevision() {
        try (MemoryStorage storage = new MemoryStorage()) {
            Compactor c = new Compactor(storage, Duration.ofMinutes(5));
            storage.create("/registry/core/configmaps/ns/b", v("0"));
            storage.create("/registry/core/configmaps/ns/a", v("1"));
            long first = storage.currentRevision();
            c.tick();
            assertThat(storage.compactedRevision()).isZero();
            storage.update("/registry/core/configmaps/ns/a", first, v("2"));
            long second = storage.currentRevision();
            c.tick();
            assertThat(storage.compactedRevision()).isEqualTo(first);
            // history at the compacted revision stays readable, older history is gone
            assertThat(storage.list("/registry/", null, 0, first).items()).hasSize(2);
            assertThatThrownBy(() -> storage.list("/registry/", null, 0, first - 1))
                    .isInstanceOf(StorageException.class);
            // nothing written since the last tick: the next tick compacts to what it saw then
            c.tick();
            assertThat(storage.compactedRevision()).isEqualTo(second);
            assertThat(new String(storage.get("/registry/core/configmaps/ns/a").value(), StandardCharsets.UTF_8))
                    .isEqualTo("2");
        }
    }
}
