package io.kube4j.apiserver.resources.core.service;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kube4j.apiserver.printers.TableFixtures.cells;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceTableConvertorTest {
    private final ServiceTableConvertor tc = new ServiceTableConvertor();

    @Test
    void clusterIpService() {
        List<Object> cells = cells(tc, """
                metadata: {name: web, creationTimestamp: "2025-01-01T10:00:00Z"}
                spec:
                  type: ClusterIP
                  clusterIP: 10.96.0.10
                  clusterIPs: [10.96.0.10]
                  selector: {app: web}
                  ports: [{port: 80, protocol: TCP}, {port: 53, protocol: UDP}]
                """);
        assertThat(cells).containsExactly("web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "120m",
                "app=web");
    }

    @Test
    void nodePortServiceShowsNodePortsAndExternalIps() {
        List<Object> cells = cells(tc, """
                metadata: {name: np}
                spec:
                  type: NodePort
                  clusterIPs: [10.96.1.1]
                  externalIPs: [1.2.3.4, 5.6.7.8]
                  ports: [{port: 80, nodePort: 30080, protocol: TCP}, {port: 443, nodePort: 30443}]
                """);
        assertThat(cells.subList(1, 5)).containsExactly("NodePort", "10.96.1.1", "1.2.3.4,5.6.7.8",
                "80:30080/TCP,443:30443/TCP");
        assertThat(cells.get(6)).isEqualTo("<none>");
    }

    @Test
    void loadBalancerIsPendingUntilItHasIngress() {
        assertThat(cells(tc, """
                metadata: {name: lb}
                spec: {type: LoadBalancer, clusterIPs: [10.96.2.2], ports: [{port: 80, nodePort: 31000}]}
                """).get(3)).isEqualTo("<pending>");
        assertThat(cells(tc, """
                metadata: {name: lb}
                spec: {type: LoadBalancer, clusterIPs: [10.96.2.2], externalIPs: [9.9.9.9]}
                status: {loadBalancer: {ingress: [{ip: 203.0.113.7}, {hostname: lb.example.com}, {ip: 203.0.113.7}]}}
                """).get(3)).isEqualTo("203.0.113.7,lb.example.com,9.9.9.9");
    }

    @Test
    void externalNameAndHeadlessServices() {
        List<Object> ext = cells(tc, """
                metadata: {name: ext}
                spec: {type: ExternalName, externalName: db.example.com}
                """);
        assertThat(ext.subList(1, 5)).containsExactly("ExternalName", "<none>", "db.example.com", "<none>");
        List<Object> headless = cells(tc, """
                metadata: {name: h}
                spec: {clusterIP: None, clusterIPs: [None], ports: [{port: 5432}]}
                """);
        assertThat(headless.subList(1, 5)).containsExactly("ClusterIP", "None", "<none>", "5432/TCP");
    }
}
