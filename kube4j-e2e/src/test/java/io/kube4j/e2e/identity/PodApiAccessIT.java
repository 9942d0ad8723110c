package io.kube4j.e2e.identity;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 8: a process in a pod talks to the API server with what every pod gets mounted at
 * /var/run/secrets/kubernetes.io/serviceaccount (a bound token from the TokenRequest API, ca.crt from
 * kube-root-ca.crt, the namespace), through cluster DNS and kube-proxy to {@code https://kubernetes.default.svc};
 * {@code automountServiceAccountToken: false} leaves the directory out.
 */
@Kube4jE2E
class PodApiAccessIT {
    private static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static KubectlResult exec(TestNamespace ns, String pod, String script) {
        return ns.kubectl().run("exec", pod, "--", "sh", "-c", script);
    }

    /**
     * kubectl is a static binary: mounted into a busybox pod it is a real in-cluster client (KUBERNETES_SERVICE_HOST,
     * the mounted token, ca.crt verifying the API server's certificate for 10.43.0.1); as a second container running
     * {@code kubectl proxy} it is the book's ambassador, which the main container reaches over plain HTTP.
     */
    private static String podWithKubectl(String name) throws IOException {
        String kubectl = Path.of("/usr/bin/kubectl").toRealPath().toString();
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %1$s
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %2$s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                    volumeMounts:
                    - {name: kubectl, mountPath: /kubectl, readOnly: true}
                  - name: ambassador
                    image: %2$s
                    command: ["/kubectl", "proxy", "--port=8001"]
                    volumeMounts:
                    - {name: kubectl, mountPath: /kubectl, readOnly: true}
                  volumes:
                  - name: kubectl
                    hostPath: {path: %3$s, type: File}
                """.formatted(name, NodePods.BUSYBOX, kubectl);
    }

    @Test
    void aPodCallsTheApiServerWithItsMountedToken(TestNamespace ns) throws IOException {
        NodePods.createReady(ns, podWithKubectl("client"), "client");

        KubectlResult files = exec(ns, "client", "ls " + SA_DIR + "; cat " + SA_DIR + "/namespace");
        assertThat(files).succeeds();
        assertThat(files.stdout()).contains("ca.crt", "namespace", "token").endsWith(ns.name());
        assertThat(exec(ns, "client", "head -1 " + SA_DIR + "/ca.crt").stdout()).contains("BEGIN CERTIFICATE");

        // in-cluster config: https://$KUBERNETES_SERVICE_HOST, verified with ca.crt, authenticated by the token
        KubectlResult pods = exec(ns, "client", "/kubectl get pods -o name");
        assertThat(pods).succeeds();
        assertThat(pods.stdout()).contains("pod/client");
        KubectlResult whoami = exec(ns, "client", "/kubectl auth whoami -o jsonpath='{.status.userInfo.username}'");
        assertThat(whoami).succeeds();
        assertThat(whoami.stdout()).isEqualTo("system:serviceaccount:" + ns.name() + ":default");

        // the ambassador: plain HTTP to localhost, kubectl proxy adds the token
        KubectlResult viaProxy = exec(ns, "client", "timeout 20 wget -qO- http://127.0.0.1:8001/api/v1/namespaces/"
                + ns.name() + "/pods");
        assertThat(viaProxy).succeeds();
        assertThat(viaProxy.stdout()).contains("PodList", "\"client\"");
    }

    @Test
    void automountServiceAccountTokenFalseMountsNothing(TestNamespace ns) {
        String pod = NodePods.busybox("plain").replace("spec:\n", "spec:\n  automountServiceAccountToken: false\n");
        assertThat(pod).contains("automountServiceAccountToken: false");
        NodePods.createReady(ns, pod, "plain");
        assertThat(exec(ns, "plain", "ls " + SA_DIR + " 2>&1; true").stdout()).contains("No such file or directory");
        assertThat(NodePods.jsonPath(ns, "pod/plain", "{.spec.volumes[*].name}")).doesNotContain("kube-api-access");
    }
}
