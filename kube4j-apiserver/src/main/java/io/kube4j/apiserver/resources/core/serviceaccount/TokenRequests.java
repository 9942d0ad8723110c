package io.kube4j.apiserver.resources.core.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens;
import io.kube4j.apiserver.authn.serviceaccount.TokenClaims;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.validation.authentication.TokenRequestValidation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST .../serviceaccounts/NAME/token}: upstream's TokenRequest. Defaults {@code expirationSeconds} to 3600
 * and the audiences to the API server's, validates, checks the bound object (Pod, Secret or Node) exists with the
 * given uid, and answers the request with {@code status.token} and {@code status.expirationTimestamp}. A pod-bound
 * token asked for 3607 seconds (what kubelets ask for) is valid for a year but carries {@code warnafter}, as upstream
 * extends such tokens. Nothing is stored. Thread-safe.
 */
public final class TokenRequests {
    static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    /** The duration kubelets ask for; upstream extends such tokens so old clients keep working. */
    static final long WARN_ONLY_EXPIRATION_SECONDS = 3607;
    static final Duration EXTENDED_EXPIRATION = Duration.ofDays(365);

    private final ServiceAccountTokens signer;
    private final Clock clock;

    public TokenRequests(ServiceAccountTokens signer, Clock clock) {
        this.signer = signer;
        this.clock = clock;
    }

    /** Issues a token for {@code namespace/name}; throws StatusException for the errors upstream returns. */
    public ObjectNode create(Registry registry, String namespace, String name, ObjectNode body) {
        ObjectNode sa = registry.store("", "serviceaccounts").get(namespace, name);
        ObjectNode req = body == null ? Json.object() : body.deepCopy();
        ObjectNode spec = Json.with(req, "spec");
        applyDefaults(spec);
        List<FieldError> errs = TokenRequestValidation.validate(spec);
        if (!errs.isEmpty()) {
            throw StatusException.invalid("authentication.k8s.io", "TokenRequest", "", errs);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long seconds = spec.path("expirationSeconds").asLong();
        TokenClaims.Ref pod = null;
        TokenClaims.Ref secret = null;
        TokenClaims.Ref node = null;
        JsonNode ref = spec.get("boundObjectRef");
        if (ref != null && ref.isObject()) {
            String kind = Json.text(ref, "kind");
            String refName = Json.text(ref, "name");
            String refUid = Json.text(ref, "uid");
            String resource = switch (kind == null ? "" : kind) {
                case "Pod" -> "pods";
                case "Secret" -> "secrets";
                case "Node" -> "nodes";
                default -> throw StatusException.badRequest("cannot bind token for object of type "
                        + Json.text(ref, "apiVersion") + ", Kind=" + kind);
            };
            ObjectNode target = registry.store("", resource).get(kind.equals("Node") ? null : namespace, refName);
            String uid = Json.text(target.get("metadata"), "uid");
            if (refUid != null && !refUid.isEmpty() && !refUid.equals(uid)) {
                throw StatusException.conflict("", kind, refName, "the UID in the bound object reference ("
                        + refUid + ") does not match the UID in record. The object might have been deleted and then "
                        + "recreated");
            }
            TokenClaims.Ref bound = new TokenClaims.Ref(refName, uid);
            switch (kind) {
                case "Pod" -> {
                    pod = bound;
                    node = nodeOf(registry, target);
                }
                case "Secret" -> secret = bound;
                default -> node = bound;
            }
        }
        Instant expiry = now.plusSeconds(seconds);
        Instant warnAfter = null;
        Instant tokenExpiry = expiry;
        if (pod != null && seconds == WARN_ONLY_EXPIRATION_SECONDS) {
            warnAfter = expiry;
            tokenExpiry = now.plus(EXTENDED_EXPIRATION);
        }
        List<String> audiences = new ArrayList<>();
        spec.path("audiences").forEach(a -> audiences.add(a.asText()));
        TokenClaims claims = new TokenClaims(signer.issuer(), audiences, now, now, tokenExpiry,
                UUID.randomUUID().toString(), namespace,
                new TokenClaims.Ref(name, Json.text(sa.get("metadata"), "uid")), pod, secret, node, warnAfter);
        String token = signer.sign(claims);

        ObjectNode out = Json.object();
        out.put("kind", "TokenRequest");
        out.put("apiVersion", "authentication.k8s.io/v1");
        ObjectNode meta = out.putObject("metadata");
        meta.put("name", name);
        meta.put("namespace", namespace);
        meta.put("creationTimestamp", now.toString());
        out.set("spec", spec);
        ObjectNode status = out.putObject("status");
        status.put("token", token);
        status.put("expirationTimestamp", expiry.toString());
        return out;
    }

    /** Upstream's defaults: one hour, the API server's audiences. */
    static void applyDefaults(ObjectNode spec) {
        if (!spec.hasNonNull("expirationSeconds")) {
            spec.put("expirationSeconds", DEFAULT_EXPIRATION_SECONDS);
        }
        JsonNode aud = spec.get("audiences");
        if (aud == null || !aud.isArray() || aud.isEmpty()) {
            ArrayNode a = spec.putArray("audiences");
            ServiceAccountTokens.API_AUDIENCES.forEach(a::add);
        }
        if (spec.has("boundObjectRef") && spec.get("boundObjectRef").isNull()) {
            spec.remove("boundObjectRef");
        }
    }

    private static TokenClaims.Ref nodeOf(Registry registry, ObjectNode pod) {
        String nodeName = Json.text(pod.get("spec"), "nodeName");
        if (nodeName == null || nodeName.isEmpty()) {
            return null;
        }
        try {
            ObjectNode n = registry.store("", "nodes").get(null, nodeName);
            return new TokenClaims.Ref(nodeName, Json.text(n.get("metadata"), "uid"));
        } catch (StatusException e) {
            return null; // a pod on a node not registered (yet): upstream leaves the node claim out
        }
    }
}
