package io.kube4j.apiserver.kubelet;

import io.kube4j.apimachinery.errors.StatusException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KubeletResponseErrorsTest {
    @Test
    void forbiddenKeepsTheKubeletsWordsAndNamesTheResource() {
        StatusException e = KubeletResponseErrors.of(403, "Forbidden (user=x, verb=get)", "pods/log", "p");
        assertThat(e.code()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo("Forbidden (user=x, verb=get) ( pods/log p)");
        assertThat(e.toStatus().path("reason").asText()).isEqualTo("Forbidden");
    }

    @Test
    void otherServerErrorsQuoteTheBodyAsGoDoes() {
        StatusException e = KubeletResponseErrors.of(503, "busy \"now\"\n", "pods/log", "p");
        assertThat(e.getMessage()).isEqualTo(
                "an error on the server (\"busy \\\"now\\\"\\n\") has prevented the request from succeeding ( pods/log p)");
        assertThat(e.toStatus().path("reason").asText()).isEqualTo("InternalError");
        assertThat(e.code()).isEqualTo(503);
    }

    @Test
    void unknownClientErrorsSayTheCode() {
        StatusException e = KubeletResponseErrors.of(418, "teapot", "pods/log", "p");
        assertThat(e.getMessage()).isEqualTo(
                "the server responded with the status code 418 but did not return more information ( pods/log p)");
        assertThat(e.toStatus().has("reason")).isFalse();
        assertThat(KubeletResponseErrors.isSuccess(206)).isTrue();
        assertThat(KubeletResponseErrors.isSuccess(207)).isFalse();
    }
}
