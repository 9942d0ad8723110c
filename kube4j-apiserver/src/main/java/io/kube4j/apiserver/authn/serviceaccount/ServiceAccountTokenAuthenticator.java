package io.kube4j.apiserver.authn.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.UserInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Bearer-token check for service-account JWTs: the token must verify ({@link ServiceAccountTokens#verify}), and the
 * service account, and the pod, secret or node it is bound to, must still exist with the uid the token names and must not
 * have been deleted more than a minute ago (upstream's leeway for a pod's graceful deletion). The user is
 * {@code system:serviceaccount:NS:NAME} with uid the account's uid, in {@code system:serviceaccounts} and
 * {@code system:serviceaccounts:NS} (the chain adds {@code system:authenticated}). Returns null for tokens that are
 * not ours or not valid, so the next check can try them. Called by {@code Authenticator} on every bearer request;
 * thread-safe.
 */
public final class ServiceAccountTokenAuthenticator implements Function<String, UserInfo> {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountTokenAuthenticator.class);
    private static final Duration DELETION_LEEWAY = Duration.ofSeconds(60);

    /** Reads an object from the API server's cache; null when it does not exist. */
    @FunctionalInterface
    public interface ObjectLookup {
        /**
         * @param resource  a core/v1 resource: {@code serviceaccounts}, {@code pods}, {@code secrets}, {@code nodes}
         * @param namespace null for nodes
         */
        ObjectNode find(String resource, String namespace, String name);
    }

    private final ServiceAccountTokens tokens;
    private final ObjectLookup lookup;
    private final Clock clock;
    private final Collection<String> audiences;

    public ServiceAccountTokenAuthenticator(ServiceAccountTokens tokens, ObjectLookup lookup, Clock clock,
                                            Collection<String> audiences) {
        this.tokens = tokens;
        this.lookup = lookup;
        this.clock = clock;
        this.audiences = List.copyOf(audiences);
    }

    @Override
    public UserInfo apply(String token) {
        if (!tokens.looksLikeOurs(token)) {
            return null;
        }
        Instant now = clock.instant();
        TokenClaims c;
        try {
            c = tokens.verify(token, now, audiences);
        } catch (ServiceAccountTokens.InvalidTokenException e) {
            LOG.debug("service-account token rejected reason={}", e.getMessage());
            return null;
        }
        String problem = stillValid(c, now);
        if (problem != null) {
            LOG.debug("service-account token rejected sa={}/{} reason={}", c.namespace(), c.serviceAccount().name(),
                    problem);
            return null;
        }
        return new UserInfo(c.subject(), c.serviceAccount().uid(),
                List.of("system:serviceaccounts", "system:serviceaccounts:" + c.namespace()), extra(c));
    }

    /** Upstream's extra attributes of a service-account user: the token's id and what it is bound to. */
    static Map<String, List<String>> extra(TokenClaims c) {
        Map<String, List<String>> extra = new TreeMap<>();
        if (c.jti() != null && !c.jti().isEmpty()) {
            extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + c.jti()));
        }
        if (c.pod() != null) {
            extra.put("authentication.kubernetes.io/pod-name", List.of(c.pod().name()));
            extra.put("authentication.kubernetes.io/pod-uid", List.of(c.pod().uid()));
        }
        if (c.node() != null) {
            extra.put("authentication.kubernetes.io/node-name", List.of(c.node().name()));
            extra.put("authentication.kubernetes.io/node-uid", List.of(c.node().uid()));
        }
        return extra;
    }

    /** Why the objects the token names no longer back it, or null when they do. */
    String stillValid(TokenClaims c, Instant now) {
        String p = check("serviceaccounts", c.namespace(), c.serviceAccount(), now);
        if (p == null && c.pod() != null) {
            p = check("pods", c.namespace(), c.pod(), now);
        }
        if (p == null && c.secret() != null) {
            p = check("secrets", c.namespace(), c.secret(), now);
        }
        if (p == null && c.node() != null && c.pod() == null) {
            // bound to the node itself (a pod-bound token only mentions the node it ran on)
            p = check("nodes", null, c.node(), now);
        }
        return p;
    }

    private String check(String resource, String ns, TokenClaims.Ref ref, Instant now) {
        ObjectNode obj = lookup.find(resource, ns, ref.name());
        if (obj == null) {
            return resource + " " + ns + "/" + ref.name() + " not found";
        }
        String uid = Json.text(obj.get("metadata"), "uid");
        if (!ref.uid().isEmpty() && !ref.uid().equals(uid)) {
            return resource + " " + ns + "/" + ref.name() + " uid changed";
        }
        String deleted = Json.text(obj.get("metadata"), "deletionTimestamp");
        if (deleted != null && Instant.parse(deleted).isBefore(now.minus(DELETION_LEEWAY))) {
            return resource + " " + ns + "/" + ref.name() + " is being deleted";
        }
        return null;
    }
}
