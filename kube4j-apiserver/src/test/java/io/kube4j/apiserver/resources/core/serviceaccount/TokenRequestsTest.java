package io.kube4j.apiserver.resources.core.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountKey;
import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens;
import io.kube4j.apiserver.authn.serviceaccount.TokenClaims;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.resources.BuiltinResources;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenRequestsTest {
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    final ServiceAccountTokens signer = new ServiceAccountTokens(ServiceAccountKey.generateInMemory(),
            ServiceAccountTokens.ISSUER);
    Registry registry;
    CacheRouter router;
    TokenRequests requests;
    String saUid;

    @BeforeEach
    void setUp() throws Exception {
        var storage = new MemoryStorage();
        router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        registry = new Registry();
        BuiltinResources.register(registry, storage, router, clock, new Random(1), "10.43.0.0/16", signer,
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"));
        router.start();
        registry.store("", "namespaces").create(null, yaml("metadata: {name: default}"), WriteOptions.defaults());
        ObjectNode sa = registry.store("", "serviceaccounts").create("default", yaml("metadata: {name: default}"),
                WriteOptions.defaults());
        saUid = Json.text(sa.get("metadata"), "uid");
        requests = new TokenRequests(signer, clock);
    }

    @AfterEach
    void tearDown() {
        router.close();
    }

    static ObjectNode yaml(String s) throws Exception {
        return (ObjectNode) Json.YAML.readTree(s);
    }

    @Test
    void defaultsToAnHourForTheApiServer() throws Exception {
        ObjectNode out = requests.create(registry, "default", "default", yaml("spec: {}"));
        assertThat(out.path("kind").asText()).isEqualTo("TokenRequest");
        assertThat(out.at("/spec/expirationSeconds").asLong()).isEqualTo(3600);
        assertThat(out.at("/spec/audiences/0").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(out.at("/status/expirationTimestamp").asText()).isEqualTo("2026-03-01T11:00:00Z");
        TokenClaims c = signer.verify(out.at("/status/token").asText(), NOW, ServiceAccountTokens.API_AUDIENCES);
        assertThat(c.serviceAccount()).isEqualTo(new TokenClaims.Ref("default", saUid));
        assertThat(c.expiry()).isEqualTo(NOW.plusSeconds(3600));
    }

    @Test
    void rejectsShortDurationsAndMissingAccounts() {
        assertThatThrownBy(() -> requests.create(registry, "default", "default", yaml("spec: {expirationSeconds: 599}")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("TokenRequest.authentication.k8s.io \"\" is invalid: "
                            + "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes");
                });
        assertThatThrownBy(() -> requests.create(registry, "default", "ghost", yaml("spec: {}")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(404);
                    assertThat(e.getMessage()).isEqualTo("serviceaccounts \"ghost\" not found");
                });
    }

    @Test
    void bindsToAnExistingPodWithItsUidAndExtendsKubeletTokens() throws Exception {
        ObjectNode pod = registry.store("", "pods").create("default", yaml("""
                metadata: {name: web}
                spec: {containers: [{name: a, image: busybox}]}
                """), WriteOptions.defaults());
        String podUid = Json.text(pod.get("metadata"), "uid");
        assertThatThrownBy(() -> requests.create(registry, "default", "default", yaml("""
                spec: {boundObjectRef: {kind: Pod, apiVersion: v1, name: web, uid: wrong}}
                """))).isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThatThrownBy(() -> requests.create(registry, "default", "default", yaml("""
                spec: {boundObjectRef: {kind: Pod, apiVersion: v1, name: gone}}
                """))).isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(404));

        ObjectNode out = requests.create(registry, "default", "default", yaml("""
                spec:
                  expirationSeconds: 3607
                  audiences: [vault]
                  boundObjectRef: {kind: Pod, apiVersion: v1, name: web, uid: %s}
                """.formatted(podUid)));
        assertThat(out.at("/status/expirationTimestamp").asText()).isEqualTo("2026-03-01T11:00:07Z");
        TokenClaims c = signer.verify(out.at("/status/token").asText(), NOW, List.of("vault"));
        assertThat(c.pod()).isEqualTo(new TokenClaims.Ref("web", podUid));
        assertThat(c.warnAfter()).isEqualTo(NOW.plusSeconds(3607));
        assertThat(c.expiry()).isAfter(NOW.plusSeconds(364L * 24 * 3600));
    }
}
