package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeManagerTest {
    @TempDir
    Path dir;

    private Pod pod(PodBuilder b) {
        return b.editOrNewMetadata().withName("p").withNamespace("default").withUid("uid-1").endMetadata().build();
    }

    @Test
    void emptyDirIsAWorldWritableDirectoryPerPodAndGoesWithThePod() throws Exception {
        VolumeManager vm = new VolumeManager(dir.resolve("pods"));
        var c = new ContainerBuilder().withName("a").addNewVolumeMount().withName("html").withMountPath("/var/htdocs")
                .endVolumeMount().addNewVolumeMount().withName("html").withMountPath("/sub").withSubPath("x/y")
                .withReadOnly(true).endVolumeMount().build();
        Pod pod = pod(new PodBuilder().withNewSpec().addNewVolume().withName("html").withNewEmptyDir().endEmptyDir()
                .endVolume().withContainers(c).endSpec());
        List<VolumeManager.Mount> mounts = vm.mountsFor(pod, c);
        Path volume = dir.resolve("pods/uid-1/volumes/kubernetes.io~empty-dir/html");
        assertThat(mounts).containsExactly(new VolumeManager.Mount("/var/htdocs", volume.toString(), false),
                new VolumeManager.Mount("/sub", volume.resolve("x/y").toString(), true));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(volume))).isEqualTo("rwxrwxrwx");
        assertThat(volume.resolve("x/y")).isDirectory();
        Files.writeString(volume.resolve("index.html"), "hi");
        assertThat(vm.mountsFor(pod, c)).hasSize(2);
        assertThat(volume.resolve("index.html")).hasContent("hi");
        vm.tearDown("uid-1");
        assertThat(dir.resolve("pods/uid-1")).doesNotExist();
    }

    @Test
    void memoryEmptyDirIsTmpfsAndIsUnmountedOnTearDown() throws Exception {
        VolumeManager vm = new VolumeManager(dir.resolve("pods"));
        var c = new ContainerBuilder().withName("a").addNewVolumeMount().withName("cache").withMountPath("/cache")
                .endVolumeMount().build();
        Pod pod = pod(new PodBuilder().withNewSpec().addNewVolume().withName("cache").withNewEmptyDir()
                .withMedium("Memory").withSizeLimit(new Quantity("8Mi")).endEmptyDir().endVolume()
                .withContainers(c).endSpec());
        Path volume = Path.of(vm.mountsFor(pod, c).get(0).hostPath());
        String mounts = Files.readString(Path.of("/proc/self/mounts"));
        assertThat(mounts).contains("tmpfs " + volume + " tmpfs").contains("size=8192k");
        vm.tearDown("uid-1");
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(volume.toString());
        assertThat(volume).doesNotExist();
    }

    @Test
    void hostPathTypesAreCheckedAsUpstreamChecksThem() throws Exception {
        VolumeManager vm = new VolumeManager(dir.resolve("pods"));
        Path created = dir.resolve("made/here");
        var c = new ContainerBuilder().withName("a").addNewVolumeMount().withName("h").withMountPath("/h")
                .endVolumeMount().build();
        Pod create = pod(new PodBuilder().withNewSpec().addNewVolume().withName("h").withNewHostPath()
                .withPath(created.toString()).withType("DirectoryOrCreate").endHostPath().endVolume()
                .withContainers(c).endSpec());
        assertThat(vm.mountsFor(create, c).get(0).hostPath()).isEqualTo(created.toString());
        assertThat(created).isDirectory();
        Files.writeString(dir.resolve("file"), "x");
        Pod wrong = pod(new PodBuilder().withNewSpec().addNewVolume().withName("h").withNewHostPath()
                .withPath(dir.resolve("file").toString()).withType("Directory").endHostPath().endVolume()
                .withContainers(c).endSpec());
        assertThatThrownBy(() -> vm.mountsFor(wrong, c)).isInstanceOf(VolumeManager.MountException.class)
                .hasMessage("MountVolume.SetUp failed for volume \"h\" : hostPath type check failed: "
                        + dir.resolve("file") + " is not a directory");
        Pod socket = pod(new PodBuilder().withNewSpec().addNewVolume().withName("h").withNewHostPath()
                .withPath(dir.resolve("file").toString()).withType("Socket").endHostPath().endVolume()
                .withContainers(c).endSpec());
        assertThatThrownBy(() -> vm.mountsFor(socket, c)).hasMessageEndingWith("is not a socket");
    }

    @Test
    void volumeTypesNotSupportedYetFailTheMountWithAClearMessage() {
        VolumeManager vm = new VolumeManager(dir.resolve("pods"));
        var c = new ContainerBuilder().withName("a").addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg")
                .endVolumeMount().build();
        Pod pod = pod(new PodBuilder().withNewSpec().addNewVolume().withName("cfg").withNewNfs().withServer("nfs.example")
                .withPath("/x").endNfs().endVolume().withContainers(c).endSpec());
        assertThatThrownBy(() -> vm.mountsFor(pod, c)).hasMessage("MountVolume.SetUp failed for volume \"cfg\" : "
                + "volume type nfs is not supported by this node yet");
    }
}
