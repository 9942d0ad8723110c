package io.kube4j.storage.etcd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EtcdKeyLayoutTest {
    private final EtcdKeyLayout layout = new EtcdKeyLayout("/registry");

    @Test
    void builtInResourcesLoseTheirGroupAsUpstreamStoresThem() {
        assertThat(layout.toEtcd("/registry/core/configmaps/default/cm")).isEqualTo("/registry/configmaps/default/cm");
        assertThat(layout.toEtcd("/registry/core/namespaces/default")).isEqualTo("/registry/namespaces/default");
        assertThat(layout.toEtcd("/registry/apps/deployments/ns/web")).isEqualTo("/registry/deployments/ns/web");
        assertThat(layout.toEtcd("/registry/coordination.k8s.io/leases/kube-system/l"))
                .isEqualTo("/registry/leases/kube-system/l");
    }

    @Test
    void upstreamRenamesAreKept() {
        assertThat(layout.toEtcd("/registry/core/services/default/kubernetes"))
                .isEqualTo("/registry/services/specs/default/kubernetes");
        assertThat(layout.toEtcd("/registry/core/endpoints/default/kubernetes"))
                .isEqualTo("/registry/services/endpoints/default/kubernetes");
        assertThat(layout.toEtcd("/registry/core/nodes/n1")).isEqualTo("/registry/minions/n1");
        // the live API servers' records, where upstream's lease endpoint reconciler keeps them
        assertThat(layout.toEtcd("/registry/core/masterleases/192.0.2.1:6443"))
                .isEqualTo("/registry/masterleases/192.0.2.1:6443");
        assertThat(layout.fromEtcd("/registry/masterleases/192.0.2.1:6443"))
                .isEqualTo("/registry/core/masterleases/192.0.2.1:6443");
        assertThat(layout.toEtcd("/registry/networking.k8s.io/ingresses/ns/i")).isEqualTo("/registry/ingress/ns/i");
    }

    @Test
    void customResourcesAndUnknownGroupsKeepTheirGroup() {
        assertThat(layout.toEtcd("/registry/stable.example.com/crontabs/ns/c"))
                .isEqualTo("/registry/stable.example.com/crontabs/ns/c");
        assertThat(layout.toEtcd("/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com"))
                .isEqualTo("/registry/apiextensions.k8s.io/customresourcedefinitions/crontabs.stable.example.com");
        // events.k8s.io events are not core events: they must not read back as core ones
        assertThat(layout.toEtcd("/registry/events.k8s.io/events/ns/e")).isEqualTo("/registry/events.k8s.io/events/ns/e");
        assertThat(layout.toEtcd("/registry/apps/widgets/ns/w")).isEqualTo("/registry/apps/widgets/ns/w");
    }

    @Test
    void everyKeyMapsBackToItself() {
        for (String key : new String[] {"/registry/core/configmaps/default/cm", "/registry/core/services/ns/s",
                "/registry/core/endpoints/ns/s", "/registry/core/nodes/n", "/registry/apps/deployments/ns/d",
                "/registry/apps/widgets/ns/w", "/registry/batch/jobs/ns/j", "/registry/events.k8s.io/events/ns/e",
                "/registry/core/events/ns/e", "/registry/networking.k8s.io/ingresses/ns/i",
                "/registry/rbac.authorization.k8s.io/clusterroles/admin", "/registry/stable.example.com/crontabs/ns/c",
                "/registry/core/replicationcontrollers/ns/rc"}) {
            assertThat(layout.fromEtcd(layout.toEtcd(key))).as(key).isEqualTo(key);
            assertThat(layout.fromEtcd(layout.toEtcd(key), "/registry/")).as(key).isEqualTo(key);
        }
    }

    @Test
    void resourcePrefixesMapOntoEtcdPrefixes() {
        assertThat(layout.toEtcdPrefix("/registry/core/pods/")).isEqualTo("/registry/pods/");
        assertThat(layout.toEtcdPrefix("/registry/core/pods/ns/")).isEqualTo("/registry/pods/ns/");
        assertThat(layout.keepsOrder("/registry/core/pods/")).isTrue();
        assertThat(layout.fromEtcd("/registry/pods/ns/p", "/registry/core/pods/")).isEqualTo("/registry/core/pods/ns/p");
        // the whole registry is one etcd range whose order differs from kube4j's
        assertThat(layout.toEtcdPrefix("/registry/")).isEqualTo("/registry/");
        assertThat(layout.keepsOrder("/registry/")).isFalse();
    }

    @Test
    void keysOutsideTheRegistryOnlyGetThePrefix() {
        EtcdKeyLayout tests = new EtcdKeyLayout("/tck/1");
        assertThat(tests.toEtcd("/pods/ns/a")).isEqualTo("/tck/1/pods/ns/a");
        assertThat(tests.toEtcdPrefix("/")).isEqualTo("/tck/1/");
        assertThat(tests.fromEtcd("/tck/1/pods/ns/a", "/")).isEqualTo("/pods/ns/a");
    }
}
