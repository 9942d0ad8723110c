package io.kube4j.node.simulated;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PatchSenderTest {
    private static String rv(String json) {
        return PatchSender.resourceVersion(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheObjectsOwnResourceVersionOnly() {
        assertThat(rv("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','labels':{'resourceVersion':'9'},"
                + "'annotations':{'a':'{\\'resourceVersion\\':\\'8\\'}'},'resourceVersion':'42'},"
                + "'status':{'phase':'Running'}}")).isEqualTo("42");
        // a field of the same name outside metadata, before it, is not the object's
        assertThat(rv("{'spec':{'resourceVersion':'7'},'metadata':{'name':'l','resourceVersion':'43'}}"))
                .isEqualTo("43");
    }

    @Test
    void noResourceVersionIsEmpty() {
        assertThat(rv("{'metadata':{'name':'p'}}")).isEmpty();
        assertThat(rv("{'kind':'Status'}")).isEmpty();
        assertThat(rv("not json")).isEmpty();
        assertThat(rv("")).isEmpty();
    }
}
