package io.kube4j.apiserver.authn;

import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Establishes the user of a request from a verified client certificate (CN is the user, each O a
 * group) or a bearer token. Every authenticated user is also in {@code system:authenticated}.
 * Thread-safe.
 */
public final class Authenticator {
    private final TokenFile tokens;
    /** Other bearer-token checks, e.g. the node join token; each returns null for a token it does not know. */
    private volatile java.util.function.Function<String, UserInfo> extraTokens = t -> null;
    /** Users of certificates already seen: parsing the subject on every request showed in profiles. */
    private final java.util.Map<X509Certificate, UserInfo> byCertificate = new java.util.concurrent.ConcurrentHashMap<>();

    public Authenticator(TokenFile tokens) {
        this.tokens = tokens;
    }

    /** Adds a bearer-token check tried after the token file (the node join token). */
    public void addTokenCheck(java.util.function.Function<String, UserInfo> check) {
        java.util.function.Function<String, UserInfo> before = extraTokens;
        extraTokens = t -> {
            UserInfo u = before.apply(t);
            return u != null ? u : check.apply(t);
        };
    }

    /**
     * @param peerCertificates the TLS peer chain, already verified against the cluster CA, or null
     * @param authorization    the Authorization header, or null
     * @return the user, or null when the request carries no valid credentials
     */
    public UserInfo authenticate(List<Certificate> peerCertificates, String authorization) {
        if (peerCertificates != null && !peerCertificates.isEmpty()
                && peerCertificates.get(0) instanceof X509Certificate x) {
            UserInfo known = byCertificate.get(x);
            if (known != null) {
                return known;
            }
            X500Name subject = X500Name.getInstance(x.getSubjectX500Principal().getEncoded());
            String cn = null;
            List<String> groups = new ArrayList<>();
            for (RDN rdn : subject.getRDNs(BCStyle.CN)) {
                cn = IETFUtils.valueToString(rdn.getFirst().getValue());
            }
            for (RDN rdn : subject.getRDNs(BCStyle.O)) {
                groups.add(IETFUtils.valueToString(rdn.getFirst().getValue()));
            }
            if (cn != null) {
                groups.add("system:authenticated");
                UserInfo u = new UserInfo(cn, "", groups);
                if (byCertificate.size() < 10_000) {
                    byCertificate.put(x, u);
                }
                return u;
            }
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String bearer = authorization.substring(7).strip();
            UserInfo u = tokens.authenticate(bearer);
            if (u == null) {
                u = extraTokens.apply(bearer);
            }
            if (u != null) {
                List<String> groups = new ArrayList<>(u.groups());
                groups.add("system:authenticated");
                return new UserInfo(u.name(), u.uid(), groups, u.extra());
            }
        }
        return null;
    }
}
