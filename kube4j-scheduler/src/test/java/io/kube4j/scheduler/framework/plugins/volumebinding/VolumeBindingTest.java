package io.kube4j.scheduler.framework.plugins.volumebinding;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.kube4j.scheduler.Fixtures;
import io.kube4j.scheduler.framework.Code;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class VolumeBindingTest {
    /** In-memory objects; selecting a node binds the claim when {@code bindOnSelect} (plays binder + provisioner). */
    static final class MemoryObjects implements VolumeObjects {
        final Map<String, PersistentVolumeClaim> claims = new ConcurrentHashMap<>();
        final Map<String, PersistentVolume> volumes = new ConcurrentHashMap<>();
        final Map<String, StorageClass> classes = new ConcurrentHashMap<>();
        final Map<String, String> selected = new ConcurrentHashMap<>();
        boolean bindOnSelect = true;

        @Override
        public PersistentVolumeClaim claim(String namespace, String name) {
            return claims.get(namespace + "/" + name);
        }

        @Override
        public PersistentVolume volume(String name) {
            return volumes.get(name);
        }

        @Override
        public StorageClass storageClass(String name) {
            return classes.get(name);
        }

        final Map<String, String> preBound = new ConcurrentHashMap<>();

        @Override
        public List<PersistentVolume> volumes() {
            return List.copyOf(volumes.values());
        }

        @Override
        public void bindVolume(PersistentVolume volume, PersistentVolumeClaim claim) {
            preBound.put(volume.getMetadata().getName(), claim.getMetadata().getName());
            bound(claim.getMetadata().getNamespace(), claim.getMetadata().getName());
        }

        @Override
        public void selectNode(String namespace, String name, String node) {
            selected.put(namespace + "/" + name, node);
            bound(namespace, name);
        }

        private void bound(String namespace, String name) {
            if (bindOnSelect) {
                PersistentVolumeClaim c = new PersistentVolumeClaimBuilder(claims.get(namespace + "/" + name))
                        .build();
                c.getSpec().setVolumeName("pvc-" + name);
                c.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
                claims.put(namespace + "/" + name, c);
            }
        }
    }

    private final MemoryObjects objects = new MemoryObjects();
    private final VolumeBinding plugin = new VolumeBinding(objects, Duration.ofMillis(300), Duration.ofMillis(10));

    private void claim(String name, String cls, String volumeName) {
        objects.claims.put("default/" + name, new PersistentVolumeClaimBuilder().withNewMetadata().withName(name)
                .withNamespace("default").endMetadata().withNewSpec().withStorageClassName(cls)
                .withVolumeName(volumeName).endSpec().build());
    }

    private void storageClass(String name, String mode) {
        objects.classes.put(name, new StorageClassBuilder().withNewMetadata().withName(name).endMetadata()
                .withProvisioner("kube4j.io/local-path").withVolumeBindingMode(mode).build());
    }

    private static PodInfo podWith(String... claims) {
        var b = Fixtures.pod("p", null, null);
        var spec = b.buildSpec();
        for (String c : claims) {
            spec.getVolumes().add(new io.fabric8.kubernetes.api.model.VolumeBuilder().withName(c)
                    .withNewPersistentVolumeClaim().withClaimName(c).endPersistentVolumeClaim().build());
        }
        return new PodInfo(b.withSpec(spec).build());
    }

    private static NodeInfo node(String name) {
        return NodeInfo.of(new NodeBuilder(Fixtures.node(name)).editMetadata()
                .withLabels(Map.of("kubernetes.io/hostname", name)).endMetadata().build());
    }

    @Test
    void podsWithoutClaimsAreSkipped() {
        assertThat(plugin.preFilter(new CycleState(), new PodInfo(Fixtures.pod("p", null, null).build())).code())
                .isEqualTo(Code.SKIP);
    }

    @Test
    void unboundImmediateClaimsMakeThePodUnschedulable() {
        storageClass("fast", "Immediate");
        claim("a", "fast", null);
        Status s = plugin.preFilter(new CycleState(), podWith("a"));
        assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(s.message()).isEqualTo("pod has unbound immediate PersistentVolumeClaims");
        claim("b", "", null);
        assertThat(plugin.preFilter(new CycleState(), podWith("b")).message())
                .isEqualTo("pod has unbound immediate PersistentVolumeClaims");
        assertThat(plugin.preFilter(new CycleState(), podWith("missing")).message())
                .isEqualTo("persistentvolumeclaim \"missing\" not found");
    }

    @Test
    void boundVolumesFilterNodesByTheirNodeAffinity() {
        objects.volumes.put("pv-1", new PersistentVolumeBuilder().withNewMetadata().withName("pv-1").endMetadata()
                .withNewSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm()
                .withMatchExpressions(new NodeSelectorRequirement("kubernetes.io/hostname", "In", List.of("n1")))
                .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec().build());
        claim("a", "", "pv-1");
        CycleState state = new CycleState();
        assertThat(plugin.preFilter(state, podWith("a")).isSuccess()).isTrue();
        assertThat(plugin.filter(state, podWith("a"), node("n1")).isSuccess()).isTrue();
        Status s = plugin.filter(state, podWith("a"), node("n2"));
        assertThat(s.isRejected()).isTrue();
        assertThat(s.message()).isEqualTo("node(s) had volume node affinity conflict");
    }

    @Test
    void waitForFirstConsumerClaimsGetTheChosenNodeAndThePodWaitsForTheirBinding() {
        storageClass("local-path", "WaitForFirstConsumer");
        claim("data", "local-path", null);
        CycleState state = new CycleState();
        PodInfo pod = podWith("data");
        assertThat(plugin.preFilter(state, pod).isSuccess()).isTrue();
        assertThat(plugin.filter(state, pod, node("n2")).isSuccess()).isTrue();
        assertThat(plugin.preBind(state, pod, "n2").isSuccess()).isTrue();
        assertThat(objects.selected).containsEntry("default/data", "n2");
    }

    @Test
    void waitForFirstConsumerClaimsTakeAFreeVolumeOfTheNodeOrNeedAProvisioner() {
        storageClass("local-storage", "WaitForFirstConsumer");
        objects.classes.get("local-storage").setProvisioner("kubernetes.io/no-provisioner");
        for (String n : List.of("n1", "n1-big")) {
            objects.volumes.put("pv-" + n, new PersistentVolumeBuilder().withNewMetadata().withName("pv-" + n)
                    .endMetadata().withNewSpec().withStorageClassName("local-storage")
                    .withCapacity(Map.of("storage", new io.fabric8.kubernetes.api.model.Quantity(
                            n.endsWith("big") ? "10Gi" : "1Gi")))
                    .withAccessModes("ReadWriteOnce").withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm()
                    .withMatchExpressions(new NodeSelectorRequirement("kubernetes.io/hostname", "In", List.of("n1")))
                    .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec().build());
        }
        objects.claims.put("default/data", new PersistentVolumeClaimBuilder().withNewMetadata().withName("data")
                .withNamespace("default").endMetadata().withNewSpec().withStorageClassName("local-storage")
                .withAccessModes("ReadWriteOnce").withNewResources()
                .withRequests(Map.of("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))).endResources()
                .endSpec().build());
        CycleState state = new CycleState();
        PodInfo pod = podWith("data");
        assertThat(plugin.preFilter(state, pod).isSuccess()).isTrue();
        Status n2 = plugin.filter(state, pod, node("n2"));
        assertThat(n2.code()).isEqualTo(Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(n2.message()).isEqualTo("node(s) didn't find available persistent volumes to bind");
        assertThat(plugin.filter(state, pod, node("n1")).isSuccess()).isTrue();
        assertThat(plugin.preBind(state, pod, "n1").isSuccess()).isTrue();
        assertThat(objects.preBound).containsExactly(Map.entry("pv-n1", "data")); // the smallest that fits
        assertThat(objects.selected).isEmpty();
    }

    @Test
    void preBindFailsWhenTheClaimIsNotBoundInTime() {
        objects.bindOnSelect = false;
        storageClass("local-path", "WaitForFirstConsumer");
        claim("data", "local-path", null);
        CycleState state = new CycleState();
        PodInfo pod = podWith("data");
        plugin.preFilter(state, pod);
        Status s = plugin.preBind(state, pod, "n1");
        assertThat(s.code()).isEqualTo(Code.ERROR);
        assertThat(objects.selected).containsEntry("default/data", "n1");
    }
}
