package io.kube4j.e2e.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.e2e.Kubectl;
import io.kube4j.e2e.KubectlResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Chapter 8, talking to the API server as a service account: {@code kubectl create token} gives a JWT the API
 * server accepts as {@code system:serviceaccount:NS:NAME}, and every namespace gets the {@code kube-root-ca.crt}
 * ConfigMap with the cluster CA. Its own server without a node (the api-only one runs no controllers, and these
 * need the serviceaccount and root-ca-cert-publisher controllers).
 */
class IdentityIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static Kube4jServer server;
    static int namespaces;
    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = Kube4jServer.startFresh("identity", false, "--disable-scheduler");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A fresh namespace; kubectl with {@code -n} it. */
    private static Kubectl namespace(String prefix) {
        Kubectl admin = Kubectl.forServer(server);
        String ns = prefix + "-" + (++namespaces);
        assertThat(admin.run("create", "namespace", ns)).succeeds();
        return admin.inNamespace(ns);
    }

    private static String clusterField(Kubectl kubectl, String field) {
        KubectlResult r = kubectl.run("config", "view", "--minify", "--raw", "-o",
                "jsonpath={.clusters[0].cluster." + field + "}");
        assertThat(r).succeeds();
        return r.out();
    }

    /** A kubeconfig with the cluster's address and CA and {@code token} as the only credential. */
    private Kubectl asToken(Kubectl kubectl, String token, String ns) throws Exception {
        Path file = dir.resolve("token-" + Integer.toHexString(token.hashCode()) + ".yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kube4j
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: sa
                  user:
                    token: %s
                contexts:
                - name: sa
                  context: {cluster: kube4j, user: sa, namespace: %s}
                current-context: sa
                """.formatted(clusterField(kubectl, "server"), clusterField(kubectl, "certificate-authority-data"),
                token, ns));
        return kubectl.withKubeconfig(file).inNamespace(ns);
    }

    private static JsonNode payload(String jwt) throws Exception {
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    private static void awaitAccount(Kubectl kubectl, String name) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "serviceaccount", name).succeeded());
    }

    @Test
    void createTokenAuthenticatesAsTheServiceAccount() throws Exception {
        Kubectl kubectl = namespace("token");
        String nsName = kubectl.namespace();
        awaitAccount(kubectl, "default");
        KubectlResult created = kubectl.run("create", "token", "default");
        assertThat(created).succeeds();
        String jwt = created.out();
        JsonNode claims = payload(jwt);
        assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:" + nsName + ":default");
        assertThat(claims.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(claims.path("aud").get(0).asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
        assertThat(claims.at("/kubernetes.io/namespace").asText()).isEqualTo(nsName);
        String saUid = kubectl.run("get", "sa", "default", "-o", "jsonpath={.metadata.uid}").out();
        assertThat(claims.at("/kubernetes.io/serviceaccount/uid").asText()).isEqualTo(saUid);

        Kubectl sa = asToken(kubectl, jwt, nsName);
        assertThat(sa.run("get", "pods")).succeeds().stderrContains("No resources found in " + nsName + " namespace.");
        assertThat(sa.run("auth", "whoami"))
                .succeeds()
                .hasLineMatching("Username\\s+system:serviceaccount:" + nsName + ":default")
                .hasLineMatching("UID\\s+" + saUid)
                .hasLineMatching("Extra: authentication.kubernetes.io/credential-id\\s+\\[JTI=" + claims.path("jti").asText()
                        + "\\]")
                .hasLineMatching("Groups\\s+\\[system:serviceaccounts system:serviceaccounts:" + nsName
                        + " system:authenticated\\]");

        // a forged payload fails the signature check
        String[] p = jwt.split("\\.");
        String forged = p[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8)
                        .replace(":default\"", ":admin\"").getBytes(StandardCharsets.UTF_8)) + "." + p[2];
        assertThat(asToken(kubectl, forged, nsName).run("get", "pods"))
                .exitsWith(1).stderrContains("Unauthorized");
    }

    @Test
    void durationIsHonouredAndTooShortIsRefused() throws Exception {
        Kubectl kubectl = namespace("duration");
        String nsName = kubectl.namespace();
        awaitAccount(kubectl, "default");
        KubectlResult twoHours = kubectl.run("create", "token", "default", "--duration", "2h");
        assertThat(twoHours).succeeds();
        JsonNode claims = payload(twoHours.out());
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(7200);
        assertThat(kubectl.run("create", "token", "default", "--duration", "5m"))
                .exitsWith(1)
                .stderrContains("may not specify a duration less than 10 minutes");
        assertThat(kubectl.run("create", "token", "nobody"))
                .exitsWith(1)
                .stderrContains("serviceaccounts \"nobody\" not found");
    }

    @Test
    void aDeletedServiceAccountsTokenIsRejected() throws Exception {
        Kubectl kubectl = namespace("deleted");
        String nsName = kubectl.namespace();
        assertThat(kubectl.run("create", "serviceaccount", "robot")).succeeds();
        KubectlResult created = kubectl.run("create", "token", "robot");
        assertThat(created).succeeds();
        Kubectl robot = asToken(kubectl, created.out(), nsName);
        assertThat(robot.run("get", "serviceaccounts", "-o", "name")).succeeds().stdoutContains("serviceaccount/robot");
        assertThat(kubectl.run("delete", "serviceaccount", "robot")).succeeds();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> !robot.run("get", "pods").succeeded());
        assertThat(robot.run("get", "pods")).exitsWith(1)
                .stderrContains("error: You must be logged in to the server (Unauthorized)");
    }

    @Test
    void everyNamespaceGetsTheRootCaConfigMap() {
        Kubectl kubectl = namespace("rootca");
        String ca = new String(Base64.getDecoder().decode(clusterField(kubectl, "certificate-authority-data")),
                StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "configmap", "kube-root-ca.crt").succeeded());
        assertThat(kubectl.run("get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}").out())
                .isEqualTo(ca.strip());
        assertThat(kubectl.run("get", "configmap"))
                .succeeds().headerMatches("NAME\\s+DATA\\s+AGE").hasLineMatching("kube-root-ca\\.crt\\s+1\\s+\\d+s");

        // deleted, it comes back
        assertThat(kubectl.run("delete", "configmap", "kube-root-ca.crt")).succeeds();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> kubectl.run("get", "configmap", "kube-root-ca.crt").succeeded());
    }

    @Test
    void podsGetTheServiceAccountVolumeUnlessTheyOptOut() throws Exception {
        Kubectl kubectl = namespace("admission");
        awaitAccount(kubectl, "default");
        // no scheduler and no node here: the pods stay Pending, only what admission stored is looked at
        assertThat(kubectl.runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata: {name: plain}
                spec:
                  initContainers: [{name: init, image: kube4j.local/busybox:1.36}]
                  containers: [{name: main, image: kube4j.local/busybox:1.36}]
                """, "apply", "-f", "-")).succeeds();
        String volume = kubectl.run("get", "pod", "plain", "-o", "jsonpath={.spec.volumes[0].name}").out();
        assertThat(volume).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(kubectl.run("get", "pod", "plain", "-o", "jsonpath={.spec.serviceAccountName} "
                + "{.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds} "
                + "{.spec.volumes[0].projected.sources[1].configMap.name} {.spec.volumes[0].projected.defaultMode}"))
                .succeeds().printed("default 3607 kube-root-ca.crt 420");
        for (String field : new String[]{"containers", "initContainers"}) {
            assertThat(kubectl.run("get", "pod", "plain", "-o", "jsonpath={.spec." + field
                    + "[0].volumeMounts[0].name} {.spec." + field + "[0].volumeMounts[0].mountPath} {.spec." + field
                    + "[0].volumeMounts[0].readOnly}"))
                    .succeeds().printed(volume + " /var/run/secrets/kubernetes.io/serviceaccount true");
        }

        // a token bound to the pod works while the pod lives
        KubectlResult bound = kubectl.run("create", "token", "default", "--bound-object-kind", "Pod",
                "--bound-object-name", "plain");
        assertThat(bound).succeeds();
        String podUid = kubectl.run("get", "pod", "plain", "-o", "jsonpath={.metadata.uid}").out();
        assertThat(payload(bound.out()).at("/kubernetes.io/pod/uid").asText()).isEqualTo(podUid);
        Kubectl asPod = asToken(kubectl, bound.out(), kubectl.namespace());
        assertThat(asPod.run("get", "pods", "plain", "-o", "name")).succeeds().printed("pod/plain");
        assertThat(asPod.run("auth", "whoami"))
                .succeeds()
                .hasLineMatching("Extra: authentication.kubernetes.io/pod-name\\s+\\[plain\\]")
                .hasLineMatching("Extra: authentication.kubernetes.io/pod-uid\\s+\\[" + podUid + "\\]");
        assertThat(kubectl.run("delete", "pod", "plain", "--wait=false")).succeeds();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> !kubectl.run("get", "pod", "plain").succeeded());
        assertThat(asPod.run("get", "pods")).exitsWith(1).stderrContains("Unauthorized");
        assertThat(kubectl.run("create", "token", "default", "--bound-object-kind", "Pod",
                "--bound-object-name", "plain")).exitsWith(1).stderrContains("pods \"plain\" not found");

        assertThat(kubectl.runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata: {name: quiet}
                spec:
                  automountServiceAccountToken: false
                  containers: [{name: main, image: kube4j.local/busybox:1.36}]
                """, "apply", "-f", "-")).succeeds();
        assertThat(kubectl.run("get", "pod", "quiet", "-o", "jsonpath={.spec.volumes}")).succeeds().printed("");

        assertThat(kubectl.runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata: {name: stranger}
                spec:
                  serviceAccountName: ghost
                  containers: [{name: main, image: kube4j.local/busybox:1.36}]
                """, "apply", "-f", "-"))
                .exitsWith(1)
                .stderrContains("pods \"stranger\" is forbidden: error looking up service account " + kubectl.namespace()
                        + "/ghost: serviceaccount \"ghost\" not found");
    }

    @Test
    void tokensSurviveARestartOfTheServer() throws Exception {
        Kubectl kubectl = namespace("restart");
        awaitAccount(kubectl, "default");
        KubectlResult created = kubectl.run("create", "token", "default");
        assertThat(created).succeeds();
        Kubectl sa = asToken(kubectl, created.out(), kubectl.namespace());
        assertThat(sa.run("get", "pods")).succeeds();
        server.restartInPlace();
        // the signing key is read back from the data dir: the old token still verifies
        assertThat(sa.run("get", "pods")).succeeds();
    }
}
