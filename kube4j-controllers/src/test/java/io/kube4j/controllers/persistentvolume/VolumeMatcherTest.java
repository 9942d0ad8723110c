package io.kube4j.controllers.persistentvolume;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class VolumeMatcherTest {
    private static PersistentVolume pv(String name, String size, String cls, String... modes) {
        return new PersistentVolumeBuilder().withNewMetadata().withName(name).withLabels(Map.of("disk", name))
                .endMetadata().withNewSpec().withCapacity(Map.of("storage", new Quantity(size)))
                .withAccessModes(modes).withStorageClassName(cls).withNewHostPath().withPath("/tmp/" + name)
                .endHostPath().endSpec().build();
    }

    private static PersistentVolumeClaim claim(String size, String cls, String... modes) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("default")
                .withUid("uid-1").endMetadata().withNewSpec().withAccessModes(modes).withStorageClassName(cls)
                .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources().endSpec()
                .build();
    }

    private static Optional<String> match(PersistentVolumeClaim c, boolean delay, PersistentVolume... volumes) {
        return VolumeMatcher.findBestMatch(c, List.of(volumes), delay).map(v -> v.getMetadata().getName());
    }

    @Test
    void theSmallestVolumeThatFitsWins() {
        assertThat(match(claim("1Gi", null, "ReadWriteOnce"), false,
                pv("big", "10Gi", null, "ReadWriteOnce"), pv("small", "500Mi", null, "ReadWriteOnce"),
                pv("fits", "2Gi", null, "ReadWriteOnce", "ReadOnlyMany"))).contains("fits");
    }

    @Test
    void accessModesMustBeASuperset() {
        assertThat(match(claim("1Gi", null, "ReadWriteOnce", "ReadOnlyMany"), false,
                pv("rwo", "1Gi", null, "ReadWriteOnce"))).isEmpty();
        assertThat(match(claim("1Gi", null, "ReadOnlyMany"), false,
                pv("both", "1Gi", null, "ReadWriteOnce", "ReadOnlyMany"))).contains("both");
    }

    @Test
    void classesMustBeEqualAndUnsetIsEmpty() {
        assertThat(match(claim("1Gi", "", "ReadWriteOnce"), false, pv("fast", "1Gi", "fast", "ReadWriteOnce")))
                .isEmpty();
        assertThat(match(claim("1Gi", "fast", "ReadWriteOnce"), false, pv("none", "1Gi", null, "ReadWriteOnce"),
                pv("fast", "5Gi", "fast", "ReadWriteOnce"))).contains("fast");
    }

    @Test
    void volumeModeAndSelectorFilter() {
        PersistentVolume block = pv("block", "1Gi", null, "ReadWriteOnce");
        block.getSpec().setVolumeMode("Block");
        assertThat(match(claim("1Gi", null, "ReadWriteOnce"), false, block)).isEmpty();
        PersistentVolumeClaim c = claim("1Gi", null, "ReadWriteOnce");
        c.getSpec().setSelector(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .withMatchLabels(Map.of("disk", "b")).build());
        assertThat(match(c, false, pv("a", "1Gi", null, "ReadWriteOnce"), pv("b", "2Gi", null, "ReadWriteOnce")))
                .contains("b");
    }

    @Test
    void claimedVolumesAreSkippedButAVolumePreBoundToTheClaimWins() {
        PersistentVolume taken = pv("taken", "1Gi", null, "ReadWriteOnce");
        taken.getSpec().setClaimRef(new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                .withNamespace("default").withName("other").build());
        PersistentVolume mine = pv("mine", "50Gi", "other-class", "ReadOnlyMany");
        mine.getSpec().setClaimRef(new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                .withNamespace("default").withName("data").build());
        assertThat(match(claim("1Gi", null, "ReadWriteOnce"), false, taken)).isEmpty();
        assertThat(match(claim("1Gi", null, "ReadWriteOnce"), false, taken, pv("free", "1Gi", null, "ReadWriteOnce"),
                mine)).contains("mine");
        // a claimRef carrying another uid is an old claim of the same name
        mine.getSpec().getClaimRef().setUid("uid-0");
        assertThat(match(claim("1Gi", null, "ReadWriteOnce"), false, mine)).isEmpty();
    }

    @Test
    void delayedBindingOnlyTakesPreBoundVolumes() {
        assertThat(match(claim("1Gi", "local", "ReadWriteOnce"), true, pv("free", "1Gi", "local", "ReadWriteOnce")))
                .isEmpty();
    }

    @Test
    void tooSmallOrDeletedVolumesNeverMatch() {
        PersistentVolume gone = pv("gone", "5Gi", null, "ReadWriteOnce");
        gone.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        assertThat(match(claim("1Gi", null, "ReadWriteOnce"), false, gone, pv("tiny", "1Mi", null, "ReadWriteOnce")))
                .isEmpty();
    }
}
