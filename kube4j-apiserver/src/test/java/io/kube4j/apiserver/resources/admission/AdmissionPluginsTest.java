package io.kube4j.apiserver.resources.admission;

import io.kube4j.apiserver.registry.Registry;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdmissionPluginsTest {
    @Test
    void everyPluginRunsByDefaultAndDisableRemovesOne() {
        assertThat(AdmissionPlugins.resolve(List.of(), List.of())).containsExactlyInAnyOrderElementsOf(
                AdmissionPlugins.ALL);
        assertThat(AdmissionPlugins.resolve(List.of("NamespaceLifecycle"), List.of("ServiceAccount")))
                .containsExactlyInAnyOrder("NamespaceLifecycle", "DefaultIngressClass", "DefaultStorageClass",
                        "StorageObjectInUseProtection");
    }

    @Test
    void chainFollowsTheEnabledSet() {
        Registry registry = new Registry();
        assertThat(AdmissionPlugins.chain(AdmissionPlugins.without("ServiceAccount", "DefaultIngressClass",
                        "StorageObjectInUseProtection"),
                registry)).extracting(p -> p.getClass().getSimpleName())
                .containsExactly("NamespaceLifecycle", "DefaultStorageClass");
        assertThat(AdmissionPlugins.chain(AdmissionPlugins.DEFAULT_ENABLED, registry))
                .hasAtLeastOneElementOfType(ServiceAccountAdmission.class).hasSize(5);
    }

    @Test
    void unknownAndOverlappingNamesAreRejectedWithUpstreamsMessages() {
        assertThatThrownBy(() -> AdmissionPlugins.resolve(List.of("AlwaysPullImages"), List.of()))
                .hasMessage("enable-admission-plugins plugin \"AlwaysPullImages\" is unknown");
        assertThatThrownBy(() -> AdmissionPlugins.resolve(List.of(), List.of("serviceaccount")))
                .hasMessage("disable-admission-plugins plugin \"serviceaccount\" is unknown");
        assertThatThrownBy(() -> AdmissionPlugins.resolve(List.of("ServiceAccount"), List.of("ServiceAccount")))
                .hasMessage("[ServiceAccount] in enable-admission-plugins and disable-admission-plugins overlapped");
    }
}
