package io.kube4j.ingress.routing;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kube4j.ingress.tls.PemCertificates;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTableBuilderTest {
    private static Service service(String name, String portName, int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata().withNewSpec()
                .addNewPort().withName(portName).withPort(port).withNewTargetPort(8080).endPort().endSpec().build();
    }

    private static EndpointSlice slice(String service, String portName, int port, String readyIp, String notReadyIp) {
        return new EndpointSliceBuilder().withNewMetadata().withNamespace("ns").withName(service + "-x")
                .withLabels(Map.of("kubernetes.io/service-name", service)).endMetadata().withAddressType("IPv4")
                .addNewPort().withName(portName).withPort(port).withProtocol("TCP").endPort()
                .addNewEndpoint().withAddresses(readyIp).withNewConditions().withReady(true).endConditions().endEndpoint()
                .addNewEndpoint().withAddresses(notReadyIp).withNewConditions().withReady(false).endConditions()
                .endEndpoint().build();
    }

    private static Ingress ingress(String yaml) {
        return Serialization.unmarshal(yaml, Ingress.class);
    }

    private static final Ingress MAIN = ingress("""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: main, namespace: ns, creationTimestamp: "2024-01-01T00:00:00Z"}
            spec:
              defaultBackend: {service: {name: fallback, port: {number: 80}}}
              tls: [{hosts: [foo.com, "*.wild.com"], secretName: tls}]
              rules:
              - host: foo.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
                  - {path: /api/, pathType: Prefix, backend: {service: {name: api, port: {name: http}}}}
                  - {path: /api/exact, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
                  - {path: /static, pathType: ImplementationSpecific, backend: {service: {name: api, port: {number: 81}}}}
              - host: "*.wild.com"
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 81}}}}
              - http:
                  paths:
                  - {path: /any, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            """);

    private RoutingTable table(List<Ingress> ingresses) {
        var cert = PemCertificates.selfSigned("x", "foo.com", "foo.com");
        String certPem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(
                encoded(cert.chain()[0])) + "\n-----END CERTIFICATE-----\n";
        String keyPem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                cert.key().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Base64.Encoder b = Base64.getEncoder();
        var secret = new SecretBuilder().withNewMetadata().withNamespace("ns").withName("tls").endMetadata()
                .withType("kubernetes.io/tls").withData(Map.of("tls.crt", b.encodeToString(certPem.getBytes()),
                        "tls.key", b.encodeToString(keyPem.getBytes()))).build();
        return RoutingTableBuilder.build(new RoutingTableBuilder.Sources(ingresses,
                List.of(service("web", null, 80), service("api", "http", 81)),
                List.of(slice("web", "", 8080, "10.42.0.5", "10.42.0.6"),
                        slice("api", "http", 9090, "10.42.0.7", "10.42.0.8")),
                List.of(secret)));
    }

    private static byte[] encoded(java.security.cert.X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String target(RoutingTable t, String host, String path) {
        Route r = t.route(host, path);
        if (!r.found()) {
            return "404";
        }
        Endpoint e = r.backend().pick();
        return e == null ? "503" : e.ip() + ":" + e.port();
    }

    @Test
    void routesByHostAndLongestPathWithReadyEndpointsOnly() {
        RoutingTable t = table(List.of(MAIN));
        assertThat(target(t, "foo.com", "/")).isEqualTo("10.42.0.5:8080");
        assertThat(target(t, "FOO.com:8080", "/index.html?x=1")).isEqualTo("10.42.0.5:8080");
        // port by name, trailing slash of the rule ignored, element-wise prefix
        assertThat(target(t, "foo.com", "/api")).isEqualTo("10.42.0.7:9090");
        assertThat(target(t, "foo.com", "/api/v1")).isEqualTo("10.42.0.7:9090");
        assertThat(target(t, "foo.com", "/apiary")).isEqualTo("10.42.0.5:8080");
        // Exact beats the shorter prefix only on the exact path
        assertThat(target(t, "foo.com", "/api/exact")).isEqualTo("10.42.0.5:8080");
        assertThat(target(t, "foo.com", "/api/exact/more")).isEqualTo("10.42.0.7:9090");
        // ImplementationSpecific as Prefix
        assertThat(target(t, "foo.com", "/static/app.js")).isEqualTo("10.42.0.7:9090");
        // wildcard: one label only
        assertThat(target(t, "a.wild.com", "/x")).isEqualTo("10.42.0.7:9090");
        assertThat(target(t, "b.a.wild.com", "/any")).isEqualTo("10.42.0.5:8080");
        // hostless rule, then the default backend (a service that doesn't exist: no endpoints)
        assertThat(target(t, "other.com", "/any/thing")).isEqualTo("10.42.0.5:8080");
        assertThat(target(t, "other.com", "/nothing")).isEqualTo("503");
    }

    @Test
    void notFoundWithoutDefaultBackendAndOldestIngressWinsConflicts() {
        Ingress newer = ingress("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: newer, namespace: ns, creationTimestamp: "2025-01-01T00:00:00Z"}
                spec:
                  rules:
                  - host: foo.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 81}}}}
                      - {path: /new, pathType: Exact, backend: {service: {name: api, port: {number: 81}}}}
                """);
        RoutingTable t = table(List.of(newer, MAIN));
        assertThat(target(t, "foo.com", "/")).isEqualTo("10.42.0.5:8080");
        assertThat(target(t, "foo.com", "/new")).isEqualTo("10.42.0.7:9090");
        RoutingTable only = table(List.of(newer));
        assertThat(target(only, "bar.com", "/")).isEqualTo("404");
        assertThat(target(only, "foo.com", "/nope")).isEqualTo("10.42.0.7:9090");
    }

    @Test
    void roundRobinAndCertificatesBySniName() {
        RoutingTable t = RoutingTableBuilder.build(new RoutingTableBuilder.Sources(List.of(MAIN),
                List.of(service("web", null, 80)),
                List.of(slice("web", "", 8080, "10.42.0.5", "10.42.0.6"),
                        new EndpointSliceBuilder(slice("web", "", 8080, "10.42.0.9", "10.42.0.6"))
                                .editMetadata().withName("web-y").endMetadata().build()),
                List.of()));
        assertThat(List.of(target(t, "foo.com", "/"), target(t, "foo.com", "/"), target(t, "foo.com", "/")))
                .containsExactly("10.42.0.5:8080", "10.42.0.9:8080", "10.42.0.5:8080");
        assertThat(t.certificate("foo.com")).isNull(); // the secret is missing here

        RoutingTable withCerts = table(List.of(MAIN));
        assertThat(withCerts.certificate("FOO.com").id()).isEqualTo("ns/tls");
        assertThat(withCerts.certificate("x.wild.com").id()).isEqualTo("ns/tls");
        assertThat(withCerts.certificate("bar.com")).isNull();
    }
}
