package io.kube4j.node.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LocalStorageEvictionTest {
    private static final long MI = 1 << 20;

    private static PodBuilder base() {
        return new PodBuilder().withNewMetadata().withName("p").withUid("u1").endMetadata().withNewSpec()
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec();
    }

    private static Pod withEmptyDir(String medium, String sizeLimit) {
        return base().editSpec().addNewVolume().withName("scratch").withNewEmptyDir().withMedium(medium)
                .withSizeLimit(sizeLimit == null ? null : new Quantity(sizeLimit)).endEmptyDir().endVolume()
                .endSpec().build();
    }

    private static PodStorageUsage emptyDirUses(long bytes) {
        return new PodStorageUsage(Map.of("scratch", bytes), Map.of("app", 0L), 0);
    }

    @Test
    void anEmptyDirOverItsSizeLimitEvictsWithUpstreamsMessage() {
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "1Mi"), emptyDirUses(4 * MI)))
                .contains("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\". ");
    }

    @Test
    void anEmptyDirAtOrUnderItsLimitStays() {
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "1Mi"), emptyDirUses(MI))).isEmpty();
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "1Mi"), emptyDirUses(4096))).isEmpty();
    }

    @Test
    void anEmptyDirWithoutALimitOrAZeroLimitIsNeverEvicted() {
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, null), emptyDirUses(100 * MI))).isEmpty();
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "0"), emptyDirUses(100 * MI))).isEmpty();
    }

    @Test
    void aMemoryEmptyDirIsNotMeasuredSoNeverEvicted() {
        // the meter leaves tmpfs volumes out: their size is the tmpfs' own bound
        assertThat(LocalStorageEviction.decide(withEmptyDir("Memory", "1Mi"),
                new PodStorageUsage(Map.of(), Map.of("app", 0L), 0))).isEmpty();
    }

    @Test
    void theLimitIsPrintedInCanonicalForm() {
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "1024Ki"), emptyDirUses(4 * MI)))
                .contains("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\". ");
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "1000k"), emptyDirUses(4 * MI)))
                .contains("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1M\". ");
        assertThat(LocalStorageEviction.decide(withEmptyDir(null, "1500000"), emptyDirUses(4 * MI)))
                .contains("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1500k\". ");
    }

    private static Pod withContainerLimits(String... limits) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName("p").endMetadata().withNewSpec().endSpec();
        for (int i = 0; i < limits.length; i++) {
            b.editSpec().addNewContainer().withName("c" + i).withImage("busybox").withNewResources()
                    .addToLimits("ephemeral-storage", new Quantity(limits[i])).endResources().endContainer().endSpec();
        }
        return b.build();
    }

    @Test
    void aContainerOverItsOwnLimitEvicts() {
        Pod pod = withContainerLimits("4Mi", "2Mi");
        // the pod total (5 MiB) stays under 6 MiB, but c1 alone is over its 2 MiB
        assertThat(LocalStorageEviction.decide(pod, new PodStorageUsage(Map.of(), Map.of("c0", MI, "c1", 4 * MI), 0)))
                .contains("Container c1 exceeded its local ephemeral storage limit \"2Mi\". ");
        assertThat(LocalStorageEviction.decide(pod, new PodStorageUsage(Map.of(), Map.of("c0", MI, "c1", 2 * MI), 0)))
                .isEmpty();
    }

    @Test
    void aPodOverTheSumOfItsContainersLimitsEvictsBeforeAnyContainerCheck() {
        Pod pod = withContainerLimits("2Mi", "2Mi");
        assertThat(LocalStorageEviction.decide(pod,
                new PodStorageUsage(Map.of("scratch", 3 * MI), Map.of("c0", MI, "c1", 3 * MI), 0)))
                .contains("Pod ephemeral local storage usage exceeds the total limit of containers 4Mi. ");
    }

    @Test
    void anEmptyDirOverItsLimitIsReportedFirst() {
        Pod pod = new PodBuilder(withContainerLimits("1Mi")).editSpec().addNewVolume().withName("scratch")
                .withNewEmptyDir().withSizeLimit(new Quantity("1Mi")).endEmptyDir().endVolume().endSpec().build();
        assertThat(LocalStorageEviction.decide(pod,
                new PodStorageUsage(Map.of("scratch", 2 * MI), Map.of("c0", 2 * MI), 0)))
                .contains("Usage of EmptyDir volume \"scratch\" exceeds the limit \"1Mi\". ");
    }

    @Test
    void aPodWithoutEphemeralStorageLimitsIsNeverEvictedForItsTotal() {
        assertThat(LocalStorageEviction.decide(base().build(),
                new PodStorageUsage(Map.of(), Map.of("app", 1000 * MI), 0))).isEmpty();
        assertThat(LocalStorageEviction.podLimit(base().build())).isNull();
    }

    @Test
    void thePodLimitCountsSidecarsAndTheLargestInitContainer() {
        Pod pod = new PodBuilder(withContainerLimits("1Mi")).editSpec()
                .addNewInitContainer().withName("init").withImage("busybox").withNewResources()
                .addToLimits("ephemeral-storage", new Quantity("5Mi")).endResources().endInitContainer()
                .endSpec().build();
        assertThat(LocalStorageEviction.podLimit(pod).bytes()).isEqualByComparingTo(BigDecimal.valueOf(5 * MI));
        Pod sidecar = new PodBuilder(withContainerLimits("1Mi")).editSpec()
                .addNewInitContainer().withName("side").withImage("busybox").withRestartPolicy("Always")
                .withNewResources().addToLimits("ephemeral-storage", new Quantity("2Mi")).endResources()
                .endInitContainer().endSpec().build();
        assertThat(LocalStorageEviction.podLimit(sidecar).bytes()).isEqualByComparingTo(BigDecimal.valueOf(3 * MI));
    }

    @Test
    void aContainerWhoseUsageIsUnknownIsNotEvicted() {
        assertThat(LocalStorageEviction.decide(withContainerLimits("1Mi", "1Gi"),
                new PodStorageUsage(Map.of(), Map.of("c1", 3 * MI), 0))).isEmpty();
    }

    @Test
    void onlyPodsWithAStorageLimitNeedMeasuring() {
        assertThat(LocalStorageEviction.hasLimits(base().build())).isFalse();
        assertThat(LocalStorageEviction.hasLimits(withEmptyDir(null, null))).isFalse();
        assertThat(LocalStorageEviction.hasLimits(withEmptyDir("Memory", "1Mi"))).isFalse();
        assertThat(LocalStorageEviction.hasLimits(withEmptyDir(null, "1Mi"))).isTrue();
        assertThat(LocalStorageEviction.hasLimits(withContainerLimits("1Mi"))).isTrue();
    }
}
