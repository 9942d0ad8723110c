package io.kube4j.e2e;

import org.junit.jupiter.api.Test;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;

/** kubectl's generators ({@code create <kind>}, {@code run}) and {@code scale} on the three replicated kinds. */
@Kube4jE2E(apiOnly = true)
class CreateAndScaleIT {

    @Test
    void createDeployment(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "deployment", "kubia", "--image=luksa/kubia")).succeeds().printed("deployment.apps/kubia created");
        assertThat(k.run("get", "deploy", "kubia", "-o",
                "jsonpath={.spec.replicas} {.spec.selector.matchLabels.app} {.spec.strategy.type} {.spec.revisionHistoryLimit} {.spec.progressDeadlineSeconds}"))
                .succeeds().printed("1 kubia RollingUpdate 10 600");
        assertThat(k.run("get", "deployments"))
                .succeeds()
                .headerMatches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")
                .hasLineMatching("kubia\\s+\\d+/1\\s+\\d+\\s+\\d+\\s+\\d+s");
    }

    @Test
    void createConfigMap(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "configmap", "my-config", "--from-literal=foo=bar", "--from-literal=sleep-interval=25"))
                .succeeds().printed("configmap/my-config created");
        assertThat(k.run("get", "cm", "my-config", "-o", "jsonpath={.data.foo} {.data.sleep-interval}")).succeeds().printed("bar 25");
        assertThat(k.run("get", "configmaps"))
                .succeeds()
                .headerMatches("NAME\\s+DATA\\s+AGE")
                .hasLineMatching("my-config\\s+2\\s+\\d+s");
    }

    @Test
    void createGenericSecret(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "secret", "generic", "my-secret", "--from-literal=password=s3cr3t"))
                .succeeds().printed("secret/my-secret created");
        assertThat(k.run("get", "secret", "my-secret", "-o", "jsonpath={.type} {.data.password}"))
                .succeeds().printed("Opaque czNjcjN0");
        assertThat(k.run("get", "secrets"))
                .succeeds()
                .headerMatches("NAME\\s+TYPE\\s+DATA\\s+AGE")
                .hasLineMatching("my-secret\\s+Opaque\\s+1\\s+\\d+s");
    }

    @Test
    void createClusterIpService(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "service", "clusterip", "my-svc", "--tcp=80:8080")).succeeds().printed("service/my-svc created");
        assertThat(k.run("get", "svc", "my-svc", "-o", "jsonpath={.spec.type} {.spec.clusterIP} {.spec.ports[0].targetPort} {.spec.selector.app}"))
                .succeeds().hasLineMatching("ClusterIP \\d+\\.\\d+\\.\\d+\\.\\d+ 8080 my-svc");
        assertThat(k.run("get", "services"))
                .succeeds()
                .headerMatches("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE")
                .hasLineMatching("my-svc\\s+ClusterIP\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP\\s+\\d+s");
    }

    @Test
    void createJob(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "job", "my-job", "--image=busybox", "--", "echo", "hi")).succeeds().printed("job.batch/my-job created");
        assertThat(k.run("get", "job", "my-job", "-o",
                "jsonpath={.spec.completions} {.spec.parallelism} {.spec.backoffLimit} {.spec.template.spec.restartPolicy} {.spec.template.spec.containers[0].command}"))
                .succeeds().printed("1 1 6 Never [\"echo\",\"hi\"]");
        assertThat(k.run("get", "job", "my-job", "-o", "jsonpath={.spec.selector.matchLabels}"))
                .succeeds().stdoutContains("batch.kubernetes.io/controller-uid");
        assertThat(k.run("get", "jobs"))
                .succeeds()
                .headerMatches("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE")
                .hasLineMatching("my-job\\s+\\S+\\s+0/1\\s+.*");
    }

    @Test
    void createCronJob(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "cronjob", "my-cron", "--image=busybox", "--schedule=*/1 * * * *", "--", "echo", "hi"))
                .succeeds().printed("cronjob.batch/my-cron created");
        assertThat(k.run("get", "cj", "my-cron", "-o", "jsonpath={.spec.schedule} {.spec.concurrencyPolicy} {.spec.suspend}"))
                .succeeds().printed("*/1 * * * * Allow false");
        assertThat(k.run("get", "cronjobs"))
                .succeeds()
                .headerMatches("NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE")
                .hasLineMatching("my-cron\\s+\\*/1 \\* \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>\\s+\\d+s");
    }

    @Test
    void createServiceAccount(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "serviceaccount", "my-sa")).succeeds().printed("serviceaccount/my-sa created");
        assertThat(k.run("get", "sa", "my-sa"))
                .succeeds()
                .headerMatches("NAME\\s+SECRETS\\s+AGE")
                .hasLineMatching("my-sa\\s+0\\s+\\d+s");
    }

    @Test
    void runCreatesAPod(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("run", "kubia", "--image=luksa/kubia", "--port=8080")).succeeds().printed("pod/kubia created");
        assertThat(k.run("get", "po", "kubia", "-o",
                "jsonpath={.metadata.labels.run} {.spec.containers[0].image} {.spec.containers[0].ports[0].containerPort}"))
                .succeeds().printed("kubia luksa/kubia 8080");
        assertThat(k.run("get", "po", "kubia")).succeeds().hasLineMatching("kubia\\s+0/1\\s+Pending\\s+0\\s+\\d+s");
    }

    @Test
    void scaleReplicationController(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.runWithStdin(Manifests.replicationController("kubia", 3), "create", "-f", "-"))
                .succeeds().printed("replicationcontroller/kubia created");
        assertThat(k.run("get", "rc"))
                .succeeds().headerMatches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE").hasLineMatching("kubia\\s+3\\s+\\d+\\s+\\d+\\s+\\d+s");
        assertThat(k.run("scale", "rc", "kubia", "--replicas=10")).succeeds().printed("replicationcontroller/kubia scaled");
        assertThat(k.run("get", "rc", "kubia", "-o", "jsonpath={.spec.replicas}")).succeeds().printed("10");
        assertThat(k.run("scale", "rc", "kubia", "--current-replicas=2", "--replicas=3"))
                .exitsWith(1)
                .stderrContains("error: Expected replicas to be 2, was 10");
    }

    @Test
    void scaleReplicaSet(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.runWithStdin(Manifests.replicaSet("kubia", 3), "create", "-f", "-"))
                .succeeds().printed("replicaset.apps/kubia created");
        assertThat(k.run("scale", "rs", "kubia", "--replicas=1")).succeeds().printed("replicaset.apps/kubia scaled");
        assertThat(k.run("get", "rs", "kubia", "-o", "jsonpath={.spec.replicas}")).succeeds().printed("1");
        assertThat(k.run("get", "rs"))
                .succeeds().headerMatches("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE").hasLineMatching("kubia\\s+1\\s+\\d+\\s+\\d+\\s+\\d+s");
    }

    @Test
    void scaleDeployment(TestNamespace ns) {
        Kubectl k = ns.kubectl();
        assertThat(k.run("create", "deployment", "kubia", "--image=luksa/kubia")).succeeds();
        assertThat(k.run("scale", "deployment", "kubia", "--replicas=3")).succeeds().printed("deployment.apps/kubia scaled");
        assertThat(k.run("get", "deploy", "kubia", "-o", "jsonpath={.spec.replicas}")).succeeds().printed("3");
        assertThat(k.run("get", "deploy", "kubia", "--subresource=scale", "-o", "jsonpath={.kind} {.spec.replicas}"))
                .succeeds().printed("Scale 3");
    }
}
