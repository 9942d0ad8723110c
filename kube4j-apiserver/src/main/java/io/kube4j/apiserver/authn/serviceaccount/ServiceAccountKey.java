package io.kube4j.apiserver.authn.serviceaccount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The key pair service-account tokens are signed with (ECDSA P-256, ES256), kept next to the cluster CA as
 * {@code DIR/service-account.key} (PKCS#8) and {@code DIR/service-account.pub} (SubjectPublicKeyInfo): created on
 * first start, reused afterwards so tokens survive restarts. Immutable; thread-safe.
 *
 * @param keyId the JWT {@code kid}: base64url SHA-256 of the public key's DER encoding, as upstream derives it
 */
public record ServiceAccountKey(PrivateKey privateKey, PublicKey publicKey, String keyId) {
    static final String KEY_FILE = "service-account.key";
    static final String PUB_FILE = "service-account.pub";

    /** Loads the key pair from {@code dir}, generating and saving one when either file is missing. */
    public static ServiceAccountKey loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path keyFile = dir.resolve(KEY_FILE);
            Path pubFile = dir.resolve(PUB_FILE);
            KeyFactory kf = KeyFactory.getInstance("EC");
            if (Files.exists(keyFile) && Files.exists(pubFile)) {
                PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(der(Files.readString(keyFile))));
                PublicKey pub = kf.generatePublic(new X509EncodedKeySpec(der(Files.readString(pubFile))));
                return of(priv, pub);
            }
            KeyPair kp = generate();
            Files.writeString(pubFile, pem("PUBLIC KEY", kp.getPublic().getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", kp.getPrivate().getEncoded()));
            try {
                Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            return of(kp.getPrivate(), kp.getPublic());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the service-account signing key in " + dir, e);
        }
    }

    /** A fresh key pair that is never saved, for tests. */
    public static ServiceAccountKey generateInMemory() {
        try {
            KeyPair kp = generate();
            return of(kp.getPrivate(), kp.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServiceAccountKey of(PrivateKey priv, PublicKey pub) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(pub.getEncoded());
        return new ServiceAccountKey(priv, pub, Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    }

    private static KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").strip());
    }
}
