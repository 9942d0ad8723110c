package io.kube4j.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Typed Secrets made by kubectl ({@code create secret tls}, {@code create secret docker-registry}) and the API
 * server's validation of their types: a TLS secret needs both keys, a dockerconfigjson secret valid JSON.
 */
@Kube4jE2E
class SecretTypesIT {
    @TempDir
    Path dir;

    @Test
    void tlsSecretFromCertificateAndKey(TestNamespace ns) throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=kube4j.test", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();

        assertThat(ns.kubectl().run("create", "secret", "tls", "web-tls", "--cert=" + cert, "--key=" + key))
                .succeeds().printed("secret/web-tls created");
        assertThat(ns.kubectl().run("get", "secret", "web-tls", "-o", "jsonpath={.type}")).succeeds()
                .printed("kubernetes.io/tls");
        String crt = ns.kubectl().run("get", "secret", "web-tls", "-o", "jsonpath={.data.tls\\.crt}").stdout().trim();
        assertThat(new String(Base64.getDecoder().decode(crt))).isEqualTo(Files.readString(cert));
        assertThat(ns.kubectl().run("get", "secret", "web-tls")).succeeds()
                .hasLineMatching("web-tls\\s+kubernetes.io/tls\\s+2\\s+\\S+");
        assertThat(ns.kubectl().run("describe", "secret", "web-tls")).succeeds()
                .stdoutContains("Type:  kubernetes.io/tls", "tls.crt:", "tls.key:");

        assertThat(ns.kubectl().run("create", "secret", "generic", "half-tls", "--type=kubernetes.io/tls",
                "--from-file=tls.crt=" + cert)).exitsWith(1)
                .stderrContains("Secret \"half-tls\" is invalid: data[tls.key]: Required value");
    }

    @Test
    void dockerRegistrySecretAndItsValidation(TestNamespace ns) {
        assertThat(ns.kubectl().run("create", "secret", "docker-registry", "regcred",
                "--docker-server=registry.kube4j.test:5000", "--docker-username=alice", "--docker-password=pw",
                "--docker-email=alice@kube4j.test")).succeeds().printed("secret/regcred created");
        assertThat(ns.kubectl().run("get", "secret", "regcred")).succeeds()
                .hasLineMatching("regcred\\s+kubernetes.io/dockerconfigjson\\s+1\\s+\\S+");
        String config = new String(Base64.getDecoder().decode(ns.kubectl().run("get", "secret", "regcred", "-o",
                "jsonpath={.data.\\.dockerconfigjson}").stdout().trim()));
        assertThat(config).isEqualTo("{\"auths\":{\"registry.kube4j.test:5000\":{\"username\":\"alice\","
                + "\"password\":\"pw\",\"email\":\"alice@kube4j.test\",\"auth\":\""
                + Base64.getEncoder().encodeToString("alice:pw".getBytes()) + "\"}}}");

        assertThat(ns.kubectl().run("create", "secret", "generic", "broken", "--type=kubernetes.io/dockerconfigjson",
                "--from-literal=.dockerconfigjson={\"auths\":")).exitsWith(1)
                .stderrContains("Secret \"broken\" is invalid: data[.dockerconfigjson]: Invalid value: "
                        + "\"<secret contents redacted>\": unexpected end of JSON input");
        assertThat(ns.kubectl().run("create", "secret", "generic", "nokey", "--type=kubernetes.io/dockerconfigjson",
                "--from-literal=other=x")).exitsWith(1)
                .stderrContains("Secret \"nokey\" is invalid: data[.dockerconfigjson]: Required value");
    }
}
