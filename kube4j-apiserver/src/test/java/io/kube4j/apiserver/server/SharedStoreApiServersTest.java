package io.kube4j.apiserver.server;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.resources.coordination.lease.ApiServerIdentityLease;
import io.kube4j.storage.ForwardingStorage;
import io.kube4j.storage.Storage;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two API servers in this JVM on one in-memory store, as several servers share etcd: the kubernetes service's
 * endpoints name both (each advertises an address of its own), a clean stop takes a server out at once, and both
 * servers renew the identity Lease of this host.
 */
class SharedStoreApiServersTest {
    @TempDir
    Path dirs;
    private final MemoryStorage store = new MemoryStorage();
    private ApiServer a;
    private ApiServer b;

    @AfterEach
    void stop() {
        for (ApiServer s : new ApiServer[]{b, a}) {
            if (s != null) {
                s.close();
            }
        }
        store.close();
    }

    private ApiServer start(String name, String advertise) throws Exception {
        return new ApiServer(new ApiServerOptions(dirs.resolve(name), "127.0.0.1", 0, "memory", null, null, null,
                AdmissionPlugins.without("ServiceAccount"), advertise), () -> new Unclosed(store)).start();
    }

    private static List<String> endpoints(KubernetesClient client) {
        return client.endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().getFirst()
                .getAddresses().stream().map(EndpointAddress::getIp).toList();
    }

    private static List<String> slice(KubernetesClient client) {
        return client.discovery().v1().endpointSlices().inNamespace("default").withName("kubernetes").get()
                .getEndpoints().stream().map(e -> e.getAddresses().getFirst()).toList();
    }

    @Test
    @Timeout(120)
    void theKubernetesServiceListsEveryLiveServer() throws Exception {
        a = start("a", "192.0.2.20");
        b = start("b", "192.0.2.10");
        try (KubernetesClient viaA = InProcessServer.client(a)) {
            assertThat(endpoints(viaA)).containsExactly("192.0.2.10", "192.0.2.20");
            assertThat(slice(viaA)).containsExactly("192.0.2.10", "192.0.2.20");
            assertThat(viaA.endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().getFirst()
                    .getPorts().getFirst().getPort()).isEqualTo(6443);

            List<Lease> identities = viaA.leases().inNamespace("kube-system")
                    .withLabel(ApiServerIdentityLease.IDENTITY_LABEL, "kube-apiserver").list().getItems();
            assertThat(identities).singleElement().satisfies(l -> {
                assertThat(l.getMetadata().getName())
                        .isEqualTo(ApiServerIdentityLease.name(InetAddress.getLocalHost().getHostName()));
                assertThat(l.getSpec().getLeaseDurationSeconds()).isEqualTo(3600);
            });

            b.close();
            b = null;
            assertThat(endpoints(viaA)).containsExactly("192.0.2.20");
            assertThat(slice(viaA)).containsExactly("192.0.2.20");
        }
    }

    /** The shared store, which no server closes. */
    private static final class Unclosed extends ForwardingStorage {
        Unclosed(Storage store) {
            super(store);
        }

        @Override
        public void close() {
            // the test closes the store after every server
        }
    }
}
