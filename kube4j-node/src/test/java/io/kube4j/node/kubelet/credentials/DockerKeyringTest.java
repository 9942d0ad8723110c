package io.kube4j.node.kubelet.credentials;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DockerKeyringTest {
    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Secret dockerConfigJson(String auths) {
        return new SecretBuilder().withNewMetadata().withName("s").endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", b64("{\"auths\":{" + auths + "}}")).build();
    }

    @Test
    void matchesHostAndPortOfAConfigJsonEntry() {
        DockerKeyring keyring = DockerKeyring.of(List.of(dockerConfigJson(
                "\"127.0.0.1:5000\":{\"username\":\"u\",\"password\":\"p\",\"auth\":\"" + b64("u:p") + "\"}")));
        assertThat(keyring.lookup("127.0.0.1:5000/team/app:1")).containsExactly(
                new DockerKeyring.Credentials("u", "p", b64("u:p"), "127.0.0.1:5000"));
        assertThat(keyring.lookup("127.0.0.1:5001/team/app:1")).isEmpty();
        assertThat(keyring.lookup("127.0.0.1/team/app:1")).isEmpty();
        assertThat(keyring.lookup("busybox")).isEmpty();
    }

    @Test
    void splitsTheAuthFieldWhenUsernameAndPasswordAreMissing() {
        DockerKeyring keyring = DockerKeyring.of(List.of(dockerConfigJson(
                "\"https://reg.example.com/v1/\":{\"auth\":\"" + b64("alice:s3:cret") + "\"}")));
        assertThat(keyring.lookup("reg.example.com/app@sha256:abc")).singleElement()
                .satisfies(c -> {
                    assertThat(c.username()).isEqualTo("alice");
                    assertThat(c.password()).isEqualTo("s3:cret");
                });
    }

    @Test
    void globHostsPathPrefixesAndMostSpecificFirst() {
        DockerKeyring keyring = DockerKeyring.of(List.of(dockerConfigJson(
                "\"*.example.com\":{\"username\":\"any\",\"password\":\"x\"},"
                        + "\"reg.example.com/team\":{\"username\":\"team\",\"password\":\"y\"}")));
        assertThat(keyring.lookup("reg.example.com/team/app:1")).extracting(DockerKeyring.Credentials::username)
                .containsExactly("team", "any");
        assertThat(keyring.lookup("reg.example.com/other/app:1")).extracting(DockerKeyring.Credentials::username)
                .containsExactly("any");
        // a glob matches one host part only
        assertThat(keyring.lookup("a.reg.example.com/app")).isEmpty();
    }

    @Test
    void dockerHubKeysMatchImagesWithoutARegistry() {
        DockerKeyring keyring = DockerKeyring.of(List.of(dockerConfigJson(
                "\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"z\"}")));
        assertThat(keyring.lookup("busybox:1.36")).extracting(DockerKeyring.Credentials::username)
                .containsExactly("hub");
        assertThat(keyring.lookup("docker.io/library/busybox")).hasSize(1);
    }

    @Test
    void legacyDockercfgAndOtherTypes() {
        Secret cfg = new SecretBuilder().withNewMetadata().withName("old").endMetadata()
                .withType("kubernetes.io/dockercfg")
                .addToData(".dockercfg", b64("{\"127.0.0.1:5000\":{\"username\":\"old\",\"password\":\"p\"}}"))
                .build();
        Secret opaque = new SecretBuilder().withNewMetadata().withName("o").endMetadata().withType("Opaque")
                .addToData(".dockerconfigjson", b64("{\"auths\":{\"127.0.0.1:5000\":{\"username\":\"no\"}}}"))
                .build();
        Secret broken = new SecretBuilder().withNewMetadata().withName("b").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", b64("{not json")).build();
        assertThat(DockerKeyring.of(List.of(cfg, opaque, broken)).lookup("127.0.0.1:5000/app"))
                .extracting(DockerKeyring.Credentials::username).containsExactly("old");
    }
}
