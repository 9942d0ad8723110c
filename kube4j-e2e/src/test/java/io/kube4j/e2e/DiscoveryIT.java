package io.kube4j.e2e;

import org.junit.jupiter.api.Test;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** kubectl version, api-resources, api-versions and explain: what kubectl learns from discovery and OpenAPI. */
@Kube4jE2E(apiOnly = true)
class DiscoveryIT {

    @Test
    void versionShowsTheServerVersion(Kubectl kubectl) {
        assertThat(kubectl.run("version"))
                .succeeds()
                .hasLineMatching("Client Version: v1\\.32\\.\\S+")
                .hasLineMatching("Server Version: v1\\.32\\.\\S+");
    }

    @Test
    void apiResourcesListsPodsAndDeployments(Kubectl kubectl) {
        assertThat(kubectl.run("api-resources"))
                .succeeds()
                .headerMatches("NAME\\s+SHORTNAMES\\s+APIVERSION\\s+NAMESPACED\\s+KIND")
                .hasLineMatching("pods\\s+po\\s+v1\\s+true\\s+Pod")
                .hasLineMatching("namespaces\\s+ns\\s+v1\\s+false\\s+Namespace")
                .hasLineMatching("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
                .hasLineMatching("replicationcontrollers\\s+rc\\s+v1\\s+true\\s+ReplicationController")
                .hasLineMatching("replicasets\\s+rs\\s+apps/v1\\s+true\\s+ReplicaSet")
                .hasLineMatching("cronjobs\\s+cj\\s+batch/v1\\s+true\\s+CronJob");
    }

    @Test
    void apiResourcesFiltersByGroupAndScope(Kubectl kubectl) {
        assertThat(kubectl.run("api-resources", "--api-group=apps", "-o", "name"))
                .succeeds()
                .hasLineMatching("deployments\\.apps")
                .hasNoLineMatching("pods");
        assertThat(kubectl.run("api-resources", "--namespaced=false", "-o", "name"))
                .succeeds()
                .hasLineMatching("namespaces")
                .hasNoLineMatching("pods");
    }

    @Test
    void apiVersionsContainsCoreAndApps(Kubectl kubectl) {
        assertThat(kubectl.run("api-versions"))
                .succeeds()
                .hasLineMatching("v1")
                .hasLineMatching("apps/v1")
                .hasLineMatching("batch/v1");
    }

    @Test
    void explainDescribesPodContainers(Kubectl kubectl) {
        assertThat(kubectl.run("explain", "pod.spec.containers"))
                .succeeds()
                .hasLineMatching("KIND:\\s+Pod")
                .hasLineMatching("VERSION:\\s+v1")
                .hasLineMatching("FIELD:\\s+containers <\\[\\]Container>")
                .hasLineMatching("DESCRIPTION:")
                .hasLineMatching("FIELDS:")
                .hasLineMatching("\\s+image\\s+<string>")
                // kube4j's schemas carry no required lists yet (docs/compatibility.md), so no "-required-" marker
                .hasLineMatching("\\s+name\\s+<string>.*")
                .hasLineMatching("\\s+ports\\s+<\\[\\]ContainerPort>");
    }

    @Test
    void explainPodListsTopLevelFields(Kubectl kubectl) {
        assertThat(kubectl.run("explain", "pods"))
                .succeeds()
                .hasLineMatching("KIND:\\s+Pod")
                .hasLineMatching("\\s+spec\\s+<PodSpec>")
                .hasLineMatching("\\s+status\\s+<PodStatus>");
    }
}
