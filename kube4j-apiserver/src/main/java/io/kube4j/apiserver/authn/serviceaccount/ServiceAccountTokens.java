package io.kube4j.apiserver.authn.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * Signs and verifies service-account JWTs (JWS compact form, ES256 with the raw r||s signature of RFC 7518) with one
 * {@link ServiceAccountKey}. Only checks what the token itself says (signature, issuer, times, audience); the
 * authenticator checks that the account and the bound object still exist. Called by the TokenRequest subresource and
 * the authenticator; stateless and thread-safe.
 */
public final class ServiceAccountTokens {
    /** The issuer kube4j writes and accepts, the in-cluster URL of the API server. */
    public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    /** The API server's own audiences: a token must carry one of them to authenticate against it. */
    public static final List<String> API_AUDIENCES = List.of(ISSUER);

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final ServiceAccountKey key;
    private final String issuer;

    public ServiceAccountTokens(ServiceAccountKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    public String issuer() {
        return issuer;
    }

    /** The signed token for {@code claims}. */
    public String sign(TokenClaims claims) {
        ObjectNode header = Json.object();
        header.put("alg", "ES256");
        header.put("kid", key.keyId());
        ObjectNode body = Json.object();
        var aud = body.putArray("aud");
        claims.audiences().forEach(aud::add);
        body.put("exp", claims.expiry().getEpochSecond());
        body.put("iat", claims.issuedAt().getEpochSecond());
        body.put("iss", claims.issuer());
        body.put("jti", claims.jti());
        ObjectNode k8s = body.putObject("kubernetes.io");
        k8s.put("namespace", claims.namespace());
        ref(k8s, "node", claims.node());
        ref(k8s, "pod", claims.pod());
        ref(k8s, "secret", claims.secret());
        ref(k8s, "serviceaccount", claims.serviceAccount());
        if (claims.warnAfter() != null) {
            k8s.put("warnafter", claims.warnAfter().getEpochSecond());
        }
        body.put("nbf", claims.notBefore().getEpochSecond());
        body.put("sub", claims.subject());
        String signingInput = B64.encodeToString(Json.bytes(header)) + "." + B64.encodeToString(Json.bytes(body));
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initSign(key.privateKey());
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a service-account token", e);
        }
    }

    private static void ref(ObjectNode k8s, String field, TokenClaims.Ref ref) {
        if (ref != null) {
            ObjectNode o = k8s.putObject(field);
            o.put("name", ref.name());
            o.put("uid", ref.uid());
        }
    }

    /** Why a token was turned down, for the debug log. */
    public static final class InvalidTokenException extends Exception {
        InvalidTokenException(String message) {
            super(message, null, false, false);
        }
    }

    /** Whether {@code token} looks like a JWT of ours (three parts, our issuer) without checking its signature. */
    public boolean looksLikeOurs(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return false;
        }
        try {
            return issuer.equals(Json.text(Json.parse(B64D.decode(parts[1])), "iss"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Checks the signature, the issuer, {@code nbf}/{@code exp} against {@code now} and that the token names one of
     * {@code audiences}; returns its claims.
     */
    public TokenClaims verify(String token, Instant now, Collection<String> audiences) throws InvalidTokenException {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new InvalidTokenException("not a compact JWS");
        }
        JsonNode header;
        JsonNode body;
        byte[] sig;
        try {
            header = Json.parse(B64D.decode(parts[0]));
            body = Json.parse(B64D.decode(parts[1]));
            sig = B64D.decode(parts[2]);
        } catch (RuntimeException e) {
            throw new InvalidTokenException("malformed token");
        }
        if (!"ES256".equals(Json.text(header, "alg"))) {
            throw new InvalidTokenException("unexpected alg " + Json.text(header, "alg"));
        }
        try {
            Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
            s.initVerify(key.publicKey());
            s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(sig)) {
                throw new InvalidTokenException("invalid signature");
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidTokenException("invalid signature");
        }
        if (!MessageDigest.isEqual(issuer.getBytes(StandardCharsets.UTF_8),
                String.valueOf(Json.text(body, "iss")).getBytes(StandardCharsets.UTF_8))) {
            throw new InvalidTokenException("unexpected issuer");
        }
        Instant exp = Instant.ofEpochSecond(body.path("exp").asLong(0));
        Instant nbf = Instant.ofEpochSecond(body.path("nbf").asLong(0));
        Instant iat = Instant.ofEpochSecond(body.path("iat").asLong(0));
        if (!now.isBefore(exp)) {
            throw new InvalidTokenException("token has expired");
        }
        if (now.isBefore(nbf)) {
            throw new InvalidTokenException("token is not valid yet");
        }
        List<String> aud = new ArrayList<>();
        JsonNode audNode = body.path("aud");
        if (audNode.isTextual()) {
            aud.add(audNode.asText());
        } else {
            audNode.forEach(a -> aud.add(a.asText()));
        }
        if (aud.stream().noneMatch(audiences::contains)) {
            throw new InvalidTokenException("token audiences " + aud + " are invalid for the target audiences "
                    + audiences);
        }
        JsonNode k8s = body.path("kubernetes.io");
        String ns = k8s.path("namespace").asText("");
        TokenClaims.Ref sa = readRef(k8s.get("serviceaccount"));
        if (ns.isEmpty() || sa == null) {
            throw new InvalidTokenException("token carries no service account");
        }
        if (!(TokenClaims.SUBJECT_PREFIX + ns + ":" + sa.name()).equals(Json.text(body, "sub"))) {
            throw new InvalidTokenException("subject does not match the service account");
        }
        Instant warnAfter = k8s.has("warnafter") ? Instant.ofEpochSecond(k8s.path("warnafter").asLong()) : null;
        return new TokenClaims(Json.text(body, "iss"), aud, iat, nbf, exp, Json.text(body, "jti"), ns, sa,
                readRef(k8s.get("pod")), readRef(k8s.get("secret")), readRef(k8s.get("node")), warnAfter);
    }

    private static TokenClaims.Ref readRef(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        return new TokenClaims.Ref(n.path("name").asText(""), n.path("uid").asText(""));
    }
}
