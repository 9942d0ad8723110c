package io.kube4j.apiserver.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The cluster's certificates: a CA, the API server's serving certificate, the admin client
 * certificate ({@code O=system:masters}) and the API server's client certificate for kubelets.
 * Generated on first start into {@code DIR/tls} and reused on later starts; kubelet serving
 * certificates are issued on demand. ECDSA P-256 keys keep the first start fast. Thread-safe: the
 * loaded certificates never change, and issuing writes only new files.
 */
public final class ClusterPki {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterPki.class);

    /** A certificate and its key, with their PEM files. */
    public record CertKey(X509Certificate certificate, PrivateKey key, Path certFile, Path keyFile) {
        public String certPem() {
            return read(certFile);
        }

        public String keyPem() {
            return read(keyFile);
        }
    }

    /** The subject the API server presents to kubelets, as kubeadm names it. */
    public static final String KUBELET_CLIENT_USER = "kube-apiserver-kubelet-client";

    private final Path dir;
    private final CertKey ca;
    private final CertKey server;
    private final CertKey admin;
    private final CertKey kubeletClient;

    private ClusterPki(Path dir, CertKey ca, CertKey server, CertKey admin, CertKey kubeletClient) {
        this.dir = dir;
        this.ca = ca;
        this.server = server;
        this.admin = admin;
        this.kubeletClient = kubeletClient;
    }

    /** The folder the certificates live in. */
    public Path dir() {
        return dir;
    }

    /** The CA certificate in PEM, for anyone who verifies cluster certificates (kubelets, kubeconfigs). */
    public String caPem() {
        return ca.certPem();
    }

    /**
     * The client certificate the API server presents to kubelets for logs, exec, attach and
     * port-forward: CN {@value #KUBELET_CLIENT_USER}, O {@code system:masters}.
     */
    public CertKey kubeletClientCertificate() {
        return kubeletClient;
    }

    /**
     * Issues (or reuses) a kubelet serving certificate for {@code nodeName}: CN
     * {@code system:node:NAME}, O {@code system:nodes}, DNS SAN the node name and one IP SAN per
     * address, saved as {@code DIR/kubelet-NAME.crt}. A saved one is reused while it covers the
     * same names.
     */
    public CertKey issueKubeletServing(String nodeName, List<String> ips) {
        List<String> sans = new ArrayList<>();
        sans.add(nodeName);
        for (String ip : ips) {
            if (!sans.contains(ip)) {
                sans.add(ip);
            }
        }
        String file = "kubelet-" + nodeName.replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            synchronized (this) {
                CertKey existing = load(dir, file);
                if (existing != null && coversSans(existing.certificate(), sans) && signedBy(existing, ca)) {
                    return existing;
                }
                KeyPair kp = newKeyPair();
                X509Certificate cert = sign(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "system:nodes")
                                .addRDN(BCStyle.CN, "system:node:" + nodeName).build(), kp, ca, null, false, sans,
                        List.of(KeyPurposeId.id_kp_serverAuth), Duration.ofDays(3650));
                LOG.info("issued kubelet serving certificate node={} sans={}", nodeName, sans);
                return save(dir, file, cert, kp.getPrivate());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a kubelet serving certificate", e);
        }
    }

    public CertKey ca() {
        return ca;
    }

    public CertKey server() {
        return server;
    }

    public CertKey admin() {
        return admin;
    }

    /**
     * Loads the PKI from {@code dir}, creating what is missing. The serving certificate is
     * re-issued when it lacks one of {@code sans}.
     */
    public static ClusterPki loadOrCreate(Path dir, List<String> sans) {
        try {
            Files.createDirectories(dir);
            CertKey ca = load(dir, "ca");
            if (ca == null) {
                KeyPair kp = newKeyPair();
                X509Certificate cert = sign(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "kube4j-ca").build(),
                        kp, null, null, true, List.of(), List.of(), Duration.ofDays(3650));
                ca = save(dir, "ca", cert, kp.getPrivate());
                LOG.info("generated cluster CA dir={}", dir);
            }
            CertKey server = load(dir, "server");
            if (server == null || !coversSans(server.certificate(), sans) || !signedBy(server, ca)) {
                KeyPair kp = newKeyPair();
                X509Certificate cert = sign(new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "kube-apiserver").build(),
                        kp, ca, null, false, sans, List.of(KeyPurposeId.id_kp_serverAuth), Duration.ofDays(3650));
                server = save(dir, "server", cert, kp.getPrivate());
                LOG.info("generated serving certificate sans={}", sans);
            }
            CertKey admin = load(dir, "admin");
            if (admin == null || !signedBy(admin, ca)) {
                admin = issueClient(dir, "admin", ca, "system:admin", List.of("system:masters"));
            }
            CertKey kubeletClient = load(dir, "apiserver-kubelet-client");
            if (kubeletClient == null || !signedBy(kubeletClient, ca)) {
                kubeletClient = issueClient(dir, "apiserver-kubelet-client", ca, KUBELET_CLIENT_USER,
                        List.of("system:masters"));
            }
            return new ClusterPki(dir, ca, server, admin, kubeletClient);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot create cluster certificates", e);
        }
    }

    /** Issues a client certificate with CN {@code user} and one O per group, saved as {@code DIR/NAME.crt}. */
    public CertKey issueClient(Path dir, String fileName, String user, List<String> groups) {
        try {
            return issueClient(dir, fileName, ca, user, groups);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CertKey issueClient(Path dir, String fileName, CertKey ca, String user, List<String> groups)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        KeyPair kp = newKeyPair();
        X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE);
        for (String g : groups) {
            nb.addRDN(BCStyle.O, g);
        }
        nb.addRDN(BCStyle.CN, user);
        X509Certificate cert = sign(nb.build(), kp, ca, null, false, List.of(),
                List.of(KeyPurposeId.id_kp_clientAuth), Duration.ofDays(3650));
        return save(dir, fileName, cert, kp.getPrivate());
    }

    /** Whether the CA signed {@code cert} (not so after the CA was replaced by a shared one). */
    private static boolean signedBy(CertKey cert, CertKey ca) {
        try {
            cert.certificate().verify(ca.certificate().getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean coversSans(X509Certificate cert, List<String> sans) {
        try {
            List<String> have = new ArrayList<>();
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    have.add(String.valueOf(san.get(1)));
                }
            }
            for (String s : sans) {
                String norm = isIp(s) ? InetAddress.getByName(s).getHostAddress() : s;
                if (!have.contains(s) && !have.contains(norm)) {
                    return false;
                }
            }
            return cert.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(30)));
        } catch (Exception e) {
            return false;
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair kp, CertKey issuer, Void unused, boolean isCa,
                                        List<String> sans, List<KeyPurposeId> usages, Duration validity)
            throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
        Instant now = Instant.now();
        X500Name issuerName = issuer == null ? subject
                : new X509CertificateHolder(issuer.certificate().getEncoded()).getSubject();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(validity)), subject, kp.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
        if (issuer != null) {
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuer.certificate()));
        }
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.keyUsage, true, isCa
                ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (!usages.isEmpty()) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usages.toArray(KeyPurposeId[]::new)));
        }
        if (!sans.isEmpty()) {
            List<GeneralName> names = new ArrayList<>();
            for (String s : sans) {
                names.add(isIp(s) ? new GeneralName(GeneralName.iPAddress, s) : new GeneralName(GeneralName.dNSName, s));
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
        }
        PrivateKey signer = issuer == null ? kp.getPrivate() : issuer.key();
        ContentSigner cs = new JcaContentSignerBuilder("SHA256withECDSA").build(signer);
        return new JcaX509CertificateConverter().getCertificate(b.build(cs));
    }

    private static boolean isIp(String s) {
        return s.matches("[0-9.]+") || s.contains(":");
    }

    private static CertKey save(Path dir, String name, X509Certificate cert, PrivateKey key) throws IOException {
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null)));
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        return new CertKey(cert, key, certFile, keyFile);
    }

    private static CertKey load(Path dir, String name) throws IOException {
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        if (!Files.exists(certFile) || !Files.exists(keyFile)) {
            return null;
        }
        try (PEMParser cp = new PEMParser(new StringReader(Files.readString(certFile)));
             PEMParser kp = new PEMParser(new StringReader(Files.readString(keyFile)))) {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate((X509CertificateHolder) cp.readObject());
            Object k = kp.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            PrivateKey key = k instanceof PEMKeyPair pair ? conv.getKeyPair(pair).getPrivate()
                    : conv.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) k);
            return new CertKey(cert, key, certFile, keyFile);
        } catch (GeneralSecurityException | ClassCastException e) {
            LOG.warn("unreadable certificate {}, regenerating", certFile, e);
            return null;
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
