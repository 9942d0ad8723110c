package io.kube4j.e2e;

import org.junit.jupiter.api.Test;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** kubectl auth whoami and can-i: who the admin kubeconfig is, and what it may do. */
@Kube4jE2E(apiOnly = true)
class AuthIT {

    @Test
    void whoamiShowsTheAdminCertificateUser(Kubectl kubectl) {
        assertThat(kubectl.run("auth", "whoami"))
                .succeeds()
                .hasLineMatching("Username\\s+system:admin")
                .hasLineMatching("Groups\\s+\\[system:masters system:authenticated\\]");
    }

    @Test
    void canIAnswersForAuthenticatedUsers(Kubectl kubectl) {
        assertThat(kubectl.run("auth", "can-i", "create", "pods")).succeeds().printed("yes");
    }
}
