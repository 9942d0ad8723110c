package io.kube4j.controllers.servicelb;

import java.util.function.Function;
import io.kube4j.controllers.ControllerContext;
import io.kube4j.controllers.ControllerClusterTest;
import io.kube4j.controllers.Controller;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** ServiceLB against an in-process API server (fake clock), with a pool of two addresses. */
class ServiceLbControllerTest extends ControllerClusterTest {
    @Override
    protected List<Function<ControllerContext, Controller>> controllers() {
        return List.of(ctx -> new ServiceLbController(ctx,
                AddressPool.parse("127.0.0.100-127.0.0.101")));
    }

    private void service(String name, String type, int port, String loadBalancerClass) {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewSpec().withType(type).withLoadBalancerClass(loadBalancerClass)
                .addNewPort().withPort(port).withNewTargetPort(8080).endPort().endSpec().build()).create();
    }

    private String ip(String name) {
        Service s = client.services().inNamespace("default").withName(name).get();
        var ingress = s.getStatus() == null || s.getStatus().getLoadBalancer() == null ? null
                : s.getStatus().getLoadBalancer().getIngress();
        if (ingress == null || ingress.isEmpty()) {
            return null;
        }
        assertThat(ingress.getFirst().getIpMode()).isEqualTo("VIP");
        return ingress.getFirst().getIp();
    }

    @Test
    void allocatesSharesReleasesAndLeavesOtherClassesAlone() throws Exception {
        service("a", "LoadBalancer", 80, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> ip("a") != null);
        assertThat(ip("a")).isEqualTo("127.0.0.100");
        service("b", "LoadBalancer", 80, null);
        service("c", "LoadBalancer", 8080, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> ip("b") != null && ip("c") != null);
        assertThat(ip("b")).isEqualTo("127.0.0.101");
        assertThat(ip("c")).isEqualTo("127.0.0.100"); // shares with a: no port clash
        service("d", "LoadBalancer", 80, null);
        service("other", "LoadBalancer", 81, "example.com/lb");
        service("plain", "ClusterIP", 80, null);
        Thread.sleep(500);
        assertThat(ip("d")).isNull(); // port 80 taken on both addresses: pending
        assertThat(ip("other")).isNull();
        assertThat(ip("plain")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.v1().events().inNamespace("default").list()
                .getItems().stream().anyMatch(e -> "SyncLoadBalancerFailed".equals(e.getReason())
                        && "d".equals(e.getInvolvedObject().getName())));

        // a stops being a LoadBalancer: its status is cleared and d takes its address
        client.services().inNamespace("default").withName("a").edit(s -> {
            s.getSpec().setType("ClusterIP");
            return s;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> ip("a") == null && "127.0.0.100".equals(ip("d")));

        // b deleted: its address is free for a new one
        client.services().inNamespace("default").withName("b").delete();
        service("e", "LoadBalancer", 80, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> "127.0.0.101".equals(ip("e")));
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anyMatch(e -> "EnsuredLoadBalancer".equals(e.getReason())
                        && "Ensured load balancer".equals(e.getMessage()));
    }
}
