package io.kube4j.apiserver.authn.serviceaccount;

import java.time.Instant;
import java.util.List;

/**
 * The claims of a service-account JWT, as upstream writes them: {@code iss}, {@code sub}
 * ({@code system:serviceaccount:NS:NAME}), {@code aud}, {@code exp}, {@code iat}, {@code nbf}, {@code jti} and the
 * private {@code kubernetes.io} claim (namespace, serviceaccount, and the pod, secret or node the token is bound to,
 * plus {@code warnafter} for extended tokens). {@code pod}, {@code secret}, {@code node} and {@code warnAfter} may be
 * null.
 */
public record TokenClaims(String issuer, List<String> audiences, Instant issuedAt, Instant notBefore, Instant expiry,
                          String jti, String namespace, Ref serviceAccount, Ref pod, Ref secret, Ref node,
                          Instant warnAfter) {
    public static final String SUBJECT_PREFIX = "system:serviceaccount:";

    public TokenClaims {
        audiences = List.copyOf(audiences);
    }

    /** A named object and its uid. */
    public record Ref(String name, String uid) {
    }

    /** {@code system:serviceaccount:NS:NAME}, the token's {@code sub} and its user name. */
    public String subject() {
        return SUBJECT_PREFIX + namespace + ":" + serviceAccount.name();
    }
}
