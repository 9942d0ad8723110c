package io.kube4j.ingress.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A parsed {@code kubernetes.io/tls} Secret: the chain from {@code tls.crt}, the key from {@code tls.key}.
 *
 * @param id {@code namespace/name} of the Secret; also the key manager's alias
 */
public record TlsCertificate(String id, X509Certificate[] chain, PrivateKey key) {
}
