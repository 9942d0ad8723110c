package io.kube4j.ingress.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A key manager that picks the server certificate by the TLS handshake's SNI name, asking {@code lookup} (the
 * current routing table) on every handshake, so certificate changes apply to the next connection without a server
 * restart. Without SNI or a matching Secret it presents the default (self-signed) certificate. Called by the JDK
 * TLS engine on event-loop threads; thread-safe.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
    private final Function<String, TlsCertificate> lookup;
    private final TlsCertificate fallback;
    // alias to certificate, remembered between chooseEngineServerAlias and getCertificateChain of one handshake
    private final Map<String, TlsCertificate> chosen = new ConcurrentHashMap<>();

    public SniKeyManager(Function<String, TlsCertificate> lookup, TlsCertificate fallback) {
        this.lookup = lookup;
        this.fallback = fallback;
        chosen.put(fallback.id(), fallback);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        TlsCertificate cert = null;
        SSLSession hs = engine == null ? null : engine.getHandshakeSession();
        if (hs instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName host) {
                    cert = lookup.apply(host.getAsciiName());
                }
            }
        }
        if (cert == null) {
            cert = fallback;
        }
        if (!keyTypeMatches(keyType, cert.key())) {
            return null;
        }
        // the alias names the certificate's identity and its key, so a replaced Secret gets a new alias
        String alias = cert.id() + "#" + System.identityHashCode(cert);
        chosen.put(alias, cert);
        if (chosen.size() > 1024) {
            chosen.keySet().removeIf(a -> !a.equals(alias) && !a.equals(fallback.id()));
        }
        return alias;
    }

    private static boolean keyTypeMatches(String keyType, PrivateKey key) {
        String alg = key.getAlgorithm();
        return keyType.equals(alg) || (keyType.startsWith("EC") && alg.equals("EC"))
                || (keyType.startsWith("RSA") && alg.equals("RSA"));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseEngineServerAlias(keyType, issuers, null);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        TlsCertificate c = chosen.get(alias);
        return c == null ? null : c.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        TlsCertificate c = chosen.get(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return new String[]{fallback.id()};
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[0];
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
