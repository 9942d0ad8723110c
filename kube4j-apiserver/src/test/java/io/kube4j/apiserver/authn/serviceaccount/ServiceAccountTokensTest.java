package io.kube4j.apiserver.authn.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.UserInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountTokensTest {
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    final ServiceAccountTokens tokens = new ServiceAccountTokens(ServiceAccountKey.generateInMemory(),
            ServiceAccountTokens.ISSUER);

    static TokenClaims claims(Instant iat, long seconds, List<String> aud, TokenClaims.Ref pod) {
        return new TokenClaims(ServiceAccountTokens.ISSUER, aud, iat, iat, iat.plusSeconds(seconds), "jti-1", "ns1",
                new TokenClaims.Ref("default", "sa-uid"), pod, null, null, null);
    }

    @Test
    void signsUpstreamClaimsAndVerifiesThem() throws Exception {
        String jwt = tokens.sign(claims(NOW, 3600, ServiceAccountTokens.API_AUDIENCES,
                new TokenClaims.Ref("p", "pod-uid")));
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        var header = Json.parse(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.path("alg").asText()).isEqualTo("ES256");
        assertThat(header.path("kid").asText()).isNotEmpty();
        var body = Json.parse(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(body.path("sub").asText()).isEqualTo("system:serviceaccount:ns1:default");
        assertThat(body.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(body.path("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 3600);
        assertThat(body.path("nbf").asLong()).isEqualTo(NOW.getEpochSecond());
        assertThat(body.at("/kubernetes.io/serviceaccount/uid").asText()).isEqualTo("sa-uid");
        assertThat(body.at("/kubernetes.io/pod/name").asText()).isEqualTo("p");
        assertThat(parts[2]).hasSize(86); // 64-byte r||s, base64url

        TokenClaims c = tokens.verify(jwt, NOW.plusSeconds(10), ServiceAccountTokens.API_AUDIENCES);
        assertThat(c.subject()).isEqualTo("system:serviceaccount:ns1:default");
        assertThat(c.pod()).isEqualTo(new TokenClaims.Ref("p", "pod-uid"));
    }

    @Test
    void rejectsExpiredEarlyWrongAudienceWrongKeyAndTampered() {
        String jwt = tokens.sign(claims(NOW, 600, ServiceAccountTokens.API_AUDIENCES, null));
        assertThatThrownBy(() -> tokens.verify(jwt, NOW.plusSeconds(600), ServiceAccountTokens.API_AUDIENCES))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> tokens.verify(jwt, NOW.minusSeconds(5), ServiceAccountTokens.API_AUDIENCES))
                .hasMessageContaining("not valid yet");
        assertThatThrownBy(() -> tokens.verify(jwt, NOW, List.of("vault")))
                .hasMessageContaining("audiences");
        var other = new ServiceAccountTokens(ServiceAccountKey.generateInMemory(), ServiceAccountTokens.ISSUER);
        assertThatThrownBy(() -> other.verify(jwt, NOW, ServiceAccountTokens.API_AUDIENCES))
                .hasMessageContaining("signature");
        String[] p = jwt.split("\\.");
        String forged = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1])).replace("ns1:default", "ns1:admin").getBytes()) + "." + p[2];
        assertThatThrownBy(() -> tokens.verify(forged, NOW, ServiceAccountTokens.API_AUDIENCES))
                .hasMessageContaining("signature");
    }

    @Test
    void keyIsCreatedOnceAndReused(@TempDir Path dir) throws Exception {
        ServiceAccountKey a = ServiceAccountKey.loadOrCreate(dir);
        ServiceAccountKey b = ServiceAccountKey.loadOrCreate(dir);
        assertThat(b.keyId()).isEqualTo(a.keyId());
        String jwt = new ServiceAccountTokens(a, ServiceAccountTokens.ISSUER)
                .sign(claims(NOW, 3600, ServiceAccountTokens.API_AUDIENCES, null));
        assertThat(new ServiceAccountTokens(b, ServiceAccountTokens.ISSUER)
                .verify(jwt, NOW, ServiceAccountTokens.API_AUDIENCES).subject())
                .isEqualTo("system:serviceaccount:ns1:default");
    }

    @Test
    void authenticatorChecksTheAccountAndBoundPodStillExist() {
        Map<String, ObjectNode> objects = new HashMap<>();
        objects.put("serviceaccounts/ns1/default", obj("sa-uid", null));
        objects.put("pods/ns1/p", obj("pod-uid", null));
        Clock clock = Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC);
        var authn = new ServiceAccountTokenAuthenticator(tokens,
                (res, ns, name) -> objects.get(res + "/" + ns + "/" + name), clock, ServiceAccountTokens.API_AUDIENCES);
        String jwt = tokens.sign(claims(NOW, 3600, ServiceAccountTokens.API_AUDIENCES,
                new TokenClaims.Ref("p", "pod-uid")));

        UserInfo u = authn.apply(jwt);
        assertThat(u).isNotNull();
        assertThat(u.name()).isEqualTo("system:serviceaccount:ns1:default");
        assertThat(u.uid()).isEqualTo("sa-uid");
        assertThat(u.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:ns1");
        assertThat(u.extra()).containsEntry("authentication.kubernetes.io/credential-id", List.of("JTI=jti-1"))
                .containsEntry("authentication.kubernetes.io/pod-name", List.of("p"))
                .containsEntry("authentication.kubernetes.io/pod-uid", List.of("pod-uid"));

        assertThat(authn.apply("not-a-jwt")).isNull();
        // pod deleted, then recreated under the same name
        objects.put("pods/ns1/p", obj("other-uid", null));
        assertThat(authn.apply(jwt)).isNull();
        // pod in graceful deletion: still fine within a minute past its deletion timestamp
        objects.put("pods/ns1/p", obj("pod-uid", NOW.plusSeconds(20).toString()));
        assertThat(authn.apply(jwt)).isNotNull();
        objects.put("pods/ns1/p", obj("pod-uid", NOW.minusSeconds(60).toString()));
        assertThat(authn.apply(jwt)).isNull();
        objects.put("pods/ns1/p", obj("pod-uid", null));
        // service account deleted
        objects.remove("serviceaccounts/ns1/default");
        assertThat(authn.apply(jwt)).isNull();
        objects.put("serviceaccounts/ns1/default", obj("new-sa-uid", null));
        assertThat(authn.apply(jwt)).isNull();
    }

    static ObjectNode obj(String uid, String deletionTimestamp) {
        ObjectNode o = Json.object();
        ObjectNode m = o.putObject("metadata");
        m.put("uid", uid);
        if (deletionTimestamp != null) {
            m.put("deletionTimestamp", deletionTimestamp);
        }
        return o;
    }

    @Test
    void aNodeBoundTokenDiesWithItsNode() {
        Map<String, ObjectNode> objects = new HashMap<>();
        objects.put("serviceaccounts/ns1/default", obj("sa-uid", null));
        objects.put("nodes/null/n1", obj("node-uid", null));
        var authn = new ServiceAccountTokenAuthenticator(tokens,
                (res, ns, name) -> objects.get(res + "/" + ns + "/" + name), Clock.fixed(NOW, ZoneOffset.UTC),
                ServiceAccountTokens.API_AUDIENCES);
        String jwt = tokens.sign(new TokenClaims(ServiceAccountTokens.ISSUER, ServiceAccountTokens.API_AUDIENCES, NOW,
                NOW, NOW.plusSeconds(3600), "j", "ns1", new TokenClaims.Ref("default", "sa-uid"), null, null,
                new TokenClaims.Ref("n1", "node-uid"), null));
        assertThat(authn.apply(jwt).extra()).containsEntry("authentication.kubernetes.io/node-name", List.of("n1"));
        objects.remove("nodes/null/n1");
        assertThat(authn.apply(jwt)).isNull();
    }
}
