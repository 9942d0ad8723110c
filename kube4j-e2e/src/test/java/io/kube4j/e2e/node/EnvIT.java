package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container's environment, command and working directory as the kubelet makes them: plain values, the downward
 * API (fields and resources), ConfigMap and Secret keys, envFrom with a prefix, {@code $(VAR)} expansion; and a pod
 * that waits for a missing ConfigMap.
 */
@Kube4jE2E
class EnvIT {

    @Test
    void environmentFromValuesFieldsResourcesConfigMapsAndSecrets(TestNamespace ns) {
        assertThat(ns.kubectl().run("create", "configmap", "env-config", "--from-literal=greeting=hello",
                "--from-literal=mode=fast")).succeeds().printed("configmap/env-config created");
        assertThat(ns.kubectl().run("create", "secret", "generic", "env-secret", "--from-literal=password=s3cret"))
                .succeeds().printed("secret/env-secret created");
        assertThat(ns.kubectl().run("create", "service", "clusterip", "kubia-svc", "--tcp=80:8080")).succeeds();
        String serviceIp = ns.kubectl().run("get", "service", "kubia-svc", "-o", "jsonpath={.spec.clusterIP}").out();
        String apiServerIp = ns.kubectl().run("get", "service", "kubernetes", "-n", "default", "-o",
                "jsonpath={.spec.clusterIP}").out();
        assertThat(serviceIp).isNotBlank();
        assertThat(apiServerIp).isNotBlank();
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: env-pod
                  labels:
                    x: label-value
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %s
                    workingDir: /tmp
                    resources:
                      requests:
                        cpu: 250m
                        memory: 32Mi
                      limits:
                        memory: 64Mi
                    envFrom:
                    - prefix: CFG_
                      configMapRef:
                        name: env-config
                    - prefix: SEC_
                      secretRef:
                        name: env-secret
                    - configMapRef:
                        name: no-such-config
                        optional: true
                    env:
                    - name: PLAIN
                      value: plain-value
                    - name: POD_NAME
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - name: POD_NAMESPACE
                      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
                    - name: POD_UID
                      valueFrom: {fieldRef: {fieldPath: metadata.uid}}
                    - name: POD_IP
                      valueFrom: {fieldRef: {fieldPath: status.podIP}}
                    - name: NODE_NAME
                      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                    - name: HOST_IP
                      valueFrom: {fieldRef: {fieldPath: status.hostIP}}
                    - name: LABEL_X
                      valueFrom: {fieldRef: {fieldPath: "metadata.labels['x']"}}
                    - name: MEM_LIMIT_MI
                      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
                    - name: CPU_REQUEST_M
                      valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}
                    - name: GREETING
                      valueFrom: {configMapKeyRef: {name: env-config, key: greeting}}
                    - name: PASSWORD
                      valueFrom: {secretKeyRef: {name: env-secret, key: password}}
                    - name: OPTIONAL_MISSING_MAP
                      valueFrom: {configMapKeyRef: {name: no-such-config, key: k, optional: true}}
                    - name: OPTIONAL_MISSING_KEY
                      valueFrom: {configMapKeyRef: {name: env-config, key: no-such-key, optional: true}}
                    - name: OPTIONAL_MISSING_SECRET
                      valueFrom: {secretKeyRef: {name: no-such-secret, key: k, optional: true}}
                    - name: COMPOSED
                      value: "$(PLAIN)/$(POD_NAME)/$(CFG_greeting)"
                    - name: ESCAPED
                      value: "$$(PLAIN)"
                    - name: UNDEFINED
                      value: "$(NOT_DEFINED)"
                    command: ["sh", "-c"]
                    args:
                    - "echo 'args: $(PLAIN) $$(PLAIN) $(NOT_DEFINED) $(GREETING)'; echo cwd=$(pwd); trap 'exit 0' TERM; while :; do sleep 1; done"
                """.formatted(NodePods.NODE, NodePods.BUSYBOX), "env-pod");
        String uid = ns.kubectl().run("get", "pod", "env-pod", "-o", "jsonpath={.metadata.uid}").out();
        String podIp = NodePods.podIp(ns, "env-pod");

        KubectlResult env = ns.kubectl().run("exec", "env-pod", "--", "env");
        assertThat(env).succeeds();
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : env.lines()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                vars.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertThat(vars).containsEntry("PLAIN", "plain-value")
                .containsEntry("POD_NAME", "env-pod")
                .containsEntry("POD_NAMESPACE", ns.name())
                .containsEntry("POD_UID", uid)
                .containsEntry("POD_IP", podIp)
                .containsEntry("NODE_NAME", NodePods.NODE)
                .containsEntry("HOST_IP", "127.0.0.1")
                .containsEntry("LABEL_X", "label-value")
                .containsEntry("MEM_LIMIT_MI", "64")
                .containsEntry("CPU_REQUEST_M", "250")
                .containsEntry("GREETING", "hello")
                .containsEntry("PASSWORD", "s3cret")
                .containsEntry("CFG_greeting", "hello")
                .containsEntry("CFG_mode", "fast")
                .containsEntry("SEC_password", "s3cret")
                .containsEntry("COMPOSED", "plain-value/env-pod/hello")
                .containsEntry("ESCAPED", "$(PLAIN)")
                .containsEntry("UNDEFINED", "$(NOT_DEFINED)")
                .doesNotContainKeys("OPTIONAL_MISSING_MAP", "OPTIONAL_MISSING_KEY", "OPTIONAL_MISSING_SECRET")
                // the image's own environment is kept
                .containsKey("PATH")
                // services of the namespace, and the API server's, as Docker-links style variables
                .containsEntry("KUBIA_SVC_SERVICE_HOST", serviceIp)
                .containsEntry("KUBIA_SVC_SERVICE_PORT", "80")
                .containsEntry("KUBIA_SVC_SERVICE_PORT_80_8080", "80")
                .containsEntry("KUBIA_SVC_PORT", "tcp://" + serviceIp + ":80")
                .containsEntry("KUBIA_SVC_PORT_80_TCP_ADDR", serviceIp)
                .containsEntry("KUBERNETES_SERVICE_HOST", apiServerIp)
                .containsEntry("KUBERNETES_SERVICE_PORT", "443")
                .containsEntry("KUBERNETES_PORT", "tcp://" + apiServerIp + ":443");
        String logs = NodePods.awaitLogs(ns, "env-pod", "cwd=");
        assertThat(logs).isEqualTo("args: plain-value $(PLAIN) $(NOT_DEFINED) hello\ncwd=/tmp\n");
    }

    @Test
    void podWaitsForAMissingConfigMapAndStartsOnceItExists(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: waits-for-config
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: main
                    image: %s
                    command: ["sh", "-c", "echo mode=$MODE; trap 'exit 0' TERM; while :; do sleep 1; done"]
                    env:
                    - name: MODE
                      valueFrom: {configMapKeyRef: {name: late-config, key: mode}}
                """.formatted(NodePods.NODE, NodePods.BUSYBOX), "apply", "-f", "-")).succeeds();
        NodePods.awaitJsonPath(ns, "pod/waits-for-config", "{.status.containerStatuses[0].state.waiting.reason}",
                "CreateContainerConfigError"::equals, Duration.ofSeconds(60));
        assertThat(ns.kubectl().run("get", "pod", "waits-for-config", "-o",
                "jsonpath={.status.containerStatuses[0].state.waiting.message}")).succeeds()
                .printed("configmap \"late-config\" not found");
        assertThat(ns.kubectl().run("get", "pods")).succeeds()
                .hasLineMatching("waits-for-config\\s+0/1\\s+CreateContainerConfigError\\s+0\\s+\\S+");
        assertThat(NodePods.events(ns, "waits-for-config"))
                .contains("Warning Failed Error: configmap \"late-config\" not found");

        assertThat(ns.kubectl().run("create", "configmap", "late-config", "--from-literal=mode=late")).succeeds();
        NodePods.waitReady(ns, "waits-for-config");
        assertThat(NodePods.awaitLogs(ns, "waits-for-config", "mode=")).isEqualTo("mode=late\n");
        assertThat(ns.kubectl().run("get", "pods")).succeeds()
                .hasLineMatching("waits-for-config\\s+1/1\\s+Running\\s+0\\s+\\S+");
    }
}
