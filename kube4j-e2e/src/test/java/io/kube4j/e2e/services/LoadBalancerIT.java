package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ServiceLB through real kubectl: LoadBalancer services get an EXTERNAL-IP from {@code --service-lb-pool} (in
 * 127.0.0.0/8), share an address when their ports don't clash, stay {@code <pending>} when nothing fits, and give
 * the address back when they stop being LoadBalancers. (Reaching the address is kube-proxy's part.)
 */
class LoadBalancerIT {
    static Kube4jServer server;
    static TestNamespace ns;

    @BeforeAll
    static void start() throws Exception {
        server = Kube4jServer.startFresh("servicelb", true, "--service-lb-pool", "127.0.0.100-127.0.0.101",
                "--ingress-http-port", String.valueOf(NodePods.freePort()),
                "--ingress-https-port", String.valueOf(NodePods.freePort()));
        ns = new TestNamespace("default", Kubectl.forServer(server).inNamespace("default"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String externalIp(String svc) {
        return NodePods.awaitJsonPath(ns, "svc/" + svc, "{.status.loadBalancer.ingress[*].ip}",
                s -> !s.isBlank(), Duration.ofSeconds(30));
    }

    @Test
    void loadBalancerServicesGetPoolAddresses() {
        assertThat(ns.kubectl().run("create", "service", "loadbalancer", "web", "--tcp=80:8080")).succeeds();
        assertThat(externalIp("web")).isEqualTo("127.0.0.100");
        assertThat(NodePods.jsonPath(ns, "svc/web", "{.status.loadBalancer.ingress[0].ipMode}")).isEqualTo("VIP");
        KubectlResult get = ns.kubectl().run("get", "svc", "web");
        assertThat(get).succeeds();
        assertThat(get.stdout().lines().toList().getFirst())
                .matches("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE");
        assertThat(get.stdout()).containsPattern("web\\s+LoadBalancer\\s+10\\.43\\.\\d+\\.\\d+\\s+127\\.0\\.0\\.100\\s+80:3\\d{4}/TCP");

        // same port: the next address; another port: shares the first one
        assertThat(ns.kubectl().run("create", "service", "loadbalancer", "web2", "--tcp=80:8080")).succeeds();
        assertThat(ns.kubectl().run("create", "service", "loadbalancer", "dns", "--tcp=53:53")).succeeds();
        assertThat(externalIp("web2")).isEqualTo("127.0.0.101");
        assertThat(externalIp("dns")).isEqualTo("127.0.0.100");

        // nothing left for port 80: pending, as kubectl shows it, with a warning event
        assertThat(ns.kubectl().run("create", "service", "loadbalancer", "web3", "--tcp=80:8080")).succeeds();
        NodePods.await("a SyncLoadBalancerFailed event for web3", Duration.ofSeconds(30),
                () -> ns.kubectl().run("get", "events", "--field-selector", "involvedObject.name=web3").stdout()
                        .contains("SyncLoadBalancerFailed"), () -> ns.kubectl().run("get", "events").stdout());
        assertThat(ns.kubectl().run("get", "svc", "web3").stdout()).containsPattern("web3\\s+LoadBalancer\\s+\\S+\\s+<pending>");

        // web stops being a LoadBalancer: its address goes to web3
        assertThat(ns.kubectl().run("patch", "svc", "web", "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}")).succeeds();
        assertThat(externalIp("web3")).isEqualTo("127.0.0.100");
        assertThat(NodePods.jsonPath(ns, "svc/web", "{.status.loadBalancer}")).isIn("", "{}");
        assertThat(ns.kubectl().run("get", "svc", "web").stdout()).containsPattern("web\\s+ClusterIP\\s+\\S+\\s+<none>");
        String events = ns.kubectl().run("get", "events", "--field-selector", "involvedObject.name=web2").stdout();
        assertThat(events).contains("EnsuringLoadBalancer").contains("EnsuredLoadBalancer")
                .contains("Ensured load balancer");
    }
}
