package io.kube4j.apiserver.pki;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * TLS key and trust managers over the cluster's certificates, built directly from the loaded keys.
 * Reading PEM files into a password-protected key store (what generic TLS setups do) costs a
 * PBKDF2 run on every start; this costs nothing.
 */
public final class PkiTls {
    private PkiTls() {
    }

    /** A key manager that always presents {@code serving}, signed by {@code ca}. */
    public static X509ExtendedKeyManager keyManager(ClusterPki.CertKey serving, ClusterPki.CertKey ca) {
        X509Certificate[] chain = {serving.certificate(), ca.certificate()};
        PrivateKey key = serving.key();
        return new X509ExtendedKeyManager() {
            private static final String ALIAS = "kube4j";

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[0];
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[]{ALIAS};
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return ALIAS;
            }

            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                return key.getAlgorithm().equals(keyType) || keyType.startsWith("EC") ? ALIAS : null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return chain.clone();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return key;
            }
        };
    }

    /**
     * A key manager that presents {@code client} (signed by {@code ca}) when a server asks for a
     * client certificate: the API server's identity towards kubelets.
     */
    public static X509ExtendedKeyManager clientKeyManager(ClusterPki.CertKey client, ClusterPki.CertKey ca) {
        X509Certificate[] chain = {client.certificate(), ca.certificate()};
        PrivateKey key = client.key();
        return new X509ExtendedKeyManager() {
            private static final String ALIAS = "kube4j-client";

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[]{ALIAS};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return ALIAS;
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return ALIAS;
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[0];
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return chain.clone();
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return key;
            }
        };
    }

    /** Trust in certificates signed by the cluster CA (clients of the API server, kubelets' serving certificates). */
    public static TrustManagerFactory trust(ClusterPki.CertKey ca) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setCertificateEntry("kube4j-ca", ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build the cluster trust store", e);
        }
    }
}
