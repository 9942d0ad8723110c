package io.kube4j.e2e.services;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.Kube4jExtension;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.controllers.ReplicatedPods;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ServiceLB and kube-proxy through real kubectl on the shared cluster, whose {@code --service-lb-pool} holds
 * {@link Kube4jExtension#LB_POOL_SIZE} addresses from {@link Kube4jExtension#LB_POOL_FIRST} (in 127.0.0.0/8):
 * LoadBalancer services get an EXTERNAL-IP from the pool, share an address when their ports don't clash, stay
 * {@code <pending>} when nothing fits, and give the address back when they stop being LoadBalancers; a service made
 * by {@code kubectl expose --type=LoadBalancer} answers HTTP on its EXTERNAL-IP from this JVM.
 *
 * <p>Only this class makes LoadBalancer services; each test deletes its own when it ends, so the pool is free again
 * and the assertions name no particular address.
 */
@Kube4jE2E
class LoadBalancerIT {
    static List<String> pool;
    /** The namespace of the running test, whose services {@link #deleteServices()} removes. */
    private TestNamespace current;

    @BeforeAll
    static void readPool(Kube4jServer server) {
        String first = Kube4jExtension.LB_POOL_FIRST;
        assertThat(server.flag("--service-lb-pool")).startsWith(first + "-");
        String prefix = first.substring(0, first.lastIndexOf('.') + 1);
        int start = Integer.parseInt(first.substring(first.lastIndexOf('.') + 1));
        pool = IntStream.range(start, start + Kube4jExtension.LB_POOL_SIZE).mapToObj(i -> prefix + i).toList();
    }

    @AfterEach
    void deleteServices() {
        if (current != null) {
            // waits until they are gone, so ServiceLB gives their addresses back before the next test
            assertThat(current.kubectl().withTimeout(Duration.ofSeconds(60))
                    .run("delete", "svc", "--all", "--timeout=50s")).succeeds();
        }
    }

    private static String externalIp(TestNamespace ns, String svc) {
        return NodePods.awaitJsonPath(ns, "svc/" + svc, "{.status.loadBalancer.ingress[*].ip}",
                s -> !s.isBlank(), Duration.ofSeconds(30));
    }

    @Test
    void loadBalancerServicesGetPoolAddresses(TestNamespace ns) {
        current = ns;
        List<String> webs = IntStream.rangeClosed(1, pool.size()).mapToObj(i -> "web" + i).toList();
        for (String web : webs) {
            assertThat(ns.kubectl().run("create", "service", "loadbalancer", web, "--tcp=80:8080")).succeeds();
        }
        // port 80 on every address: each gets its own
        Set<String> taken = new HashSet<>();
        for (String web : webs) {
            String ip = externalIp(ns, web);
            assertThat(pool).contains(ip);
            assertThat(taken.add(ip)).as(web + " shares " + ip + " on port 80").isTrue();
        }
        String web1 = externalIp(ns, "web1");
        assertThat(NodePods.jsonPath(ns, "svc/web1", "{.status.loadBalancer.ingress[0].ipMode}")).isEqualTo("VIP");
        KubectlResult get = ns.kubectl().run("get", "svc", "web1");
        assertThat(get).succeeds();
        assertThat(get.stdout().lines().toList().getFirst())
                .matches("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE");
        assertThat(get.stdout()).containsPattern("web1\\s+LoadBalancer\\s+10\\.43\\.\\d+\\.\\d+\\s+"
                + web1.replace(".", "\\.") + "\\s+80:3\\d{4}/TCP");

        // another port shares an address
        assertThat(ns.kubectl().run("create", "service", "loadbalancer", "dns", "--tcp=53:53")).succeeds();
        assertThat(pool).contains(externalIp(ns, "dns"));

        // nothing left for port 80: pending, as kubectl shows it, with a warning event
        assertThat(ns.kubectl().run("create", "service", "loadbalancer", "late", "--tcp=80:8080")).succeeds();
        NodePods.await("a SyncLoadBalancerFailed event for late", Duration.ofSeconds(30),
                () -> ns.kubectl().run("get", "events", "--field-selector", "involvedObject.name=late").stdout()
                        .contains("SyncLoadBalancerFailed"), () -> ns.kubectl().run("get", "events").stdout());
        assertThat(ns.kubectl().run("get", "svc", "late").stdout())
                .containsPattern("late\\s+LoadBalancer\\s+\\S+\\s+<pending>");

        // web1 stops being a LoadBalancer: its address goes to late
        assertThat(ns.kubectl().run("patch", "svc", "web1", "-p", "{\"spec\":{\"type\":\"ClusterIP\"}}")).succeeds();
        assertThat(externalIp(ns, "late")).isEqualTo(web1);
        assertThat(NodePods.jsonPath(ns, "svc/web1", "{.status.loadBalancer}")).isIn("", "{}");
        assertThat(ns.kubectl().run("get", "svc", "web1").stdout())
                .containsPattern("web1\\s+ClusterIP\\s+\\S+\\s+<none>");
        String events = ns.kubectl().run("get", "events", "--field-selector", "involvedObject.name=web2").stdout();
        assertThat(events).contains("EnsuringLoadBalancer").contains("EnsuredLoadBalancer")
                .contains("Ensured load balancer");
    }

    /** The book's kubia-loadbalancer: kubectl expose, then HTTP to the EXTERNAL-IP from outside the cluster. */
    @Test
    void exposedLoadBalancerAnswersOnItsExternalIp(TestNamespace ns) {
        current = ns;
        NodePods.apply(ns, ReplicatedPods.kubiaRc("kubia", 2));
        NodePods.await("2 ready replicas", Duration.ofSeconds(90),
                () -> NodePods.jsonPath(ns, "rc/kubia", "{.status.readyReplicas}").equals("2"),
                () -> ns.kubectl().run("get", "pods", "-o", "wide").stdout());
        assertThat(ns.kubectl().run("expose", "rc", "kubia", "--name=kubia-loadbalancer", "--type=LoadBalancer",
                "--port=80", "--target-port=8080")).succeeds().printed("service/kubia-loadbalancer exposed");
        String ip = externalIp(ns, "kubia-loadbalancer");
        assertThat(pool).contains(ip);
        Set<String> pods = Set.copyOf(List.of(NodePods.jsonPath(ns, "pods", "{.items[*].metadata.name}").split(" ")));

        Set<String> hits = new HashSet<>();
        awaitAnswers(ip, hits);
        for (int i = 0; i < 20 && hits.size() < 2; i++) {
            hits.add(answer(ip));
        }
        assertThat(hits).as("answers from both pods").containsExactlyInAnyOrderElementsOf(
                pods.stream().map(p -> "You've hit " + p).toList());

        // externalTrafficPolicy Local: this node has endpoints, so the address keeps answering (kubia answers its
        // hostname only, so the kept client address is not observed here)
        assertThat(ns.kubectl().run("patch", "svc", "kubia-loadbalancer", "-p",
                "{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}")).succeeds();
        NodePods.awaitJsonPath(ns, "svc/kubia-loadbalancer", "{.spec.healthCheckNodePort}", s -> !s.isBlank(),
                Duration.ofSeconds(10));
        awaitAnswers(ip, new HashSet<>());
        for (int i = 0; i < 5; i++) {
            assertThat(pods).contains(answer(ip).substring("You've hit ".length()));
        }
    }

    private static void awaitAnswers(String ip, Set<String> hits) {
        String[] last = {""};
        NodePods.await("http://" + ip + "/ answering", Duration.ofSeconds(20), () -> {
            last[0] = answer(ip);
            hits.add(last[0]);
            return last[0].startsWith("You've hit kubia-");
        }, () -> last[0]);
        hits.removeIf(h -> !h.startsWith("You've hit "));
    }

    private static String answer(String ip) {
        try {
            var r = NodePods.httpGet(ip, 80);
            return r.statusCode() == 200 ? r.body().strip() : "HTTP " + r.statusCode();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
