package io.kube4j.cri.fake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageNamesTest {

    @Test
    void addsDockerHubDomainLibraryAndLatest() {
        assertThat(ImageNames.normalize("busybox")).isEqualTo("docker.io/library/busybox:latest");
        assertThat(ImageNames.normalize("busybox:1.36")).isEqualTo("docker.io/library/busybox:1.36");
        assertThat(ImageNames.normalize("me/app")).isEqualTo("docker.io/me/app:latest");
    }

    @Test
    void keepsRegistriesWithDotsPortsOrLocalhost() {
        assertThat(ImageNames.normalize("registry.k8s.io/pause:3.10")).isEqualTo("registry.k8s.io/pause:3.10");
        assertThat(ImageNames.normalize("127.0.0.1:5000/app")).isEqualTo("127.0.0.1:5000/app:latest");
        assertThat(ImageNames.normalize("localhost/app:v1")).isEqualTo("localhost/app:v1");
    }

    @Test
    void digestsGetNoDefaultTag() {
        String digest = "sha256:" + "a".repeat(64);
        assertThat(ImageNames.normalize("nginx@" + digest)).isEqualTo("docker.io/library/nginx@" + digest);
        assertThat(ImageNames.hasTag("docker.io/library/nginx@" + digest)).isFalse();
        assertThat(ImageNames.repository("127.0.0.1:5000/app:v1")).isEqualTo("127.0.0.1:5000/app");
    }
}
