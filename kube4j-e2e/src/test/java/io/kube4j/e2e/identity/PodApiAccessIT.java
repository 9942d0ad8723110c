package io.kube4j.e2e.identity;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import io.kube4j.e2e.node.NodePods;
import org.junit.jupiter.api.Test;

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

    @Test
    void aPodCallsTheApiServerWithItsMountedToken(TestNamespace ns) {
        NodePods.createReady(ns, NodePods.busybox("client"), "client");

        KubectlResult files = exec(ns, "client", "ls " + SA_DIR + "; cat " + SA_DIR + "/namespace");
        assertThat(files).succeeds();
        assertThat(files.stdout()).contains("ca.crt", "namespace", "token").endsWith(ns.name());
        assertThat(exec(ns, "client", "head -1 " + SA_DIR + "/ca.crt").stdout()).contains("BEGIN CERTIFICATE");

        // the token is a JWT for system:serviceaccount:NS:default, and the API server accepts it from inside the pod
        String call = "timeout 20 wget -qO- --header \"Authorization: Bearer $(cat " + SA_DIR + "/token)\" "
                + "https://kubernetes.default.svc/api/v1/namespaces/$(cat " + SA_DIR + "/namespace)/pods";
        KubectlResult pods = exec(ns, "client", call);
        assertThat(pods).succeeds();
        assertThat(pods.stdout()).contains("\"kind\":\"PodList\"", "\"name\":\"client\"");

        // without a token the API server answers 401 (busybox wget reports the status line)
        KubectlResult anonymous = exec(ns, "client",
                "timeout 20 wget -qO- https://kubernetes.default.svc/api/v1/namespaces/default/pods 2>&1; true");
        assertThat(anonymous.stdout()).contains("401");
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
