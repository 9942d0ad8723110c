package io.kube4j.e2e.node;

import io.kube4j.e2e.Kube4jE2E;
import io.kube4j.e2e.KubectlResult;
import io.kube4j.e2e.TestNamespace;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import static io.kube4j.e2e.KubectlResultAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pod networking on the real node: the containers of a pod share its network, UTS and IPC namespaces; pods reach
 * each other by pod IP; hostPort answers on the node; hostNetwork pods run in the node's network namespace.
 */
@Kube4jE2E
class PodNetworkIT {

    @Test
    void containersOfAPodShareLocalhostHostnameAndIpc(TestNamespace ns) {
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: shared
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: kubia
                    image: %s
                  - name: side
                    image: %s
                    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"]
                """.formatted(NodePods.NODE, NodePods.KUBIA, NodePods.BUSYBOX), "shared");
        assertThat(ns.kubectl().run("get", "pod", "shared")).succeeds()
                .hasLineMatching("shared\\s+2/2\\s+Running\\s+0\\s+\\S+");

        // localhost: the side container reaches kubia on 127.0.0.1:8080
        assertThat(ns.kubectl().run("exec", "shared", "-c", "side", "--",
                "timeout", "10", "wget", "-qO-", "http://127.0.0.1:8080")).succeeds().printed("You've hit shared");
        // the hostname is the pod's name in both
        assertThat(ns.kubectl().run("exec", "shared", "-c", "kubia", "--", "hostname")).succeeds().printed("shared");
        assertThat(ns.kubectl().run("exec", "shared", "-c", "side", "--", "hostname")).succeeds().printed("shared");
        // one network, UTS and IPC namespace for both; each has its own mount namespace
        String namespaces = "for n in net uts ipc mnt; do readlink /proc/self/ns/$n; done";
        KubectlResult inKubia = ns.kubectl().run("exec", "shared", "-c", "kubia", "--", "sh", "-c", namespaces);
        KubectlResult inSide = ns.kubectl().run("exec", "shared", "-c", "side", "--", "sh", "-c", namespaces);
        assertThat(inKubia).succeeds();
        assertThat(inSide).succeeds();
        var k = inKubia.lines();
        var s = inSide.lines();
        assertThat(k).hasSize(4);
        assertThat(k.subList(0, 3)).isEqualTo(s.subList(0, 3));
        assertThat(k.get(3)).isNotEqualTo(s.get(3));
        // and a namespace of their own, not the host's
        assertThat(k.get(0)).isNotEqualTo(readlink("/proc/self/ns/net"));
        assertThat(k.get(2)).isNotEqualTo(readlink("/proc/self/ns/ipc"));
        // POSIX shared memory (/dev/shm) belongs to the pod's IPC namespace: written in one, read in the other
        assertThat(ns.kubectl().run("exec", "shared", "-c", "kubia", "--", "sh", "-c",
                "echo from-kubia > /dev/shm/kube4j-ipc")).succeeds();
        assertThat(ns.kubectl().run("exec", "shared", "-c", "side", "--", "cat", "/dev/shm/kube4j-ipc")).succeeds()
                .printed("from-kubia");
    }

    @Test
    void podsReachEachOtherByPodIp(TestNamespace ns) {
        assertThat(ns.kubectl().runWithStdin(NodePods.kubia("server-pod"), "apply", "-f", "-")).succeeds();
        assertThat(ns.kubectl().runWithStdin(NodePods.busybox("client-pod"), "apply", "-f", "-")).succeeds();
        NodePods.waitReady(ns, "server-pod");
        NodePods.waitReady(ns, "client-pod");
        String serverIp = NodePods.podIp(ns, "server-pod");
        String clientIp = NodePods.podIp(ns, "client-pod");
        assertThat(clientIp).isNotEqualTo(serverIp).startsWith("10.42.");
        assertThat(ns.kubectl().run("exec", "client-pod", "--", "timeout", "10", "wget", "-qO-",
                "http://" + serverIp + ":8080")).succeeds().printed("You've hit server-pod");
        // the server sees the client's pod IP as the source: no NAT between pods on the node
        assertThat(ns.kubectl().run("exec", "client-pod", "--", "ip", "-4", "-o", "addr", "show", "eth0")).succeeds()
                .stdoutContains(clientIp + "/");
    }

    @Test
    void hostPortAnswersOnTheNode(TestNamespace ns) throws Exception {
        int hostPort = 18080;
        assertThat(portIsFree(hostPort)).as("port %d on the host must be free", hostPort).isTrue();
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: kubia-hostport
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: kubia
                    image: %s
                    ports:
                    - containerPort: 8080
                      hostPort: %d
                      protocol: TCP
                """.formatted(NodePods.NODE, NodePods.KUBIA, hostPort), "kubia-hostport");
        assertThat(NodePods.httpGet("127.0.0.1", hostPort).body()).isEqualTo("You've hit kubia-hostport\n");
        assertThat(ns.kubectl().run("get", "pod", "kubia-hostport", "-o",
                "jsonpath={.spec.containers[0].ports[0].hostPort}")).succeeds().printed(Integer.toString(hostPort));
        // gone with the pod
        assertThat(ns.kubectl().withTimeout(Duration.ofSeconds(60)).run("delete", "pod", "kubia-hostport"))
                .succeeds();
        assertThat(refused("127.0.0.1", hostPort)).as("hostPort %d closed after the pod was deleted", hostPort)
                .isTrue();
    }

    @Test
    void hostNetworkPodUsesTheNodesNetwork(TestNamespace ns) throws Exception {
        int port = freePort();
        NodePods.createReady(ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: kubia-hostnet
                spec:
                  nodeName: %s
                  hostNetwork: true
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: kubia
                    image: %s
                    env:
                    - name: KUBIA_PORT
                      value: "%d"
                """.formatted(NodePods.NODE, NodePods.KUBIA, port), "kubia-hostnet");
        assertThat(ns.kubectl().run("get", "pod", "kubia-hostnet", "-o",
                "jsonpath={.status.podIP} {.status.hostIP} {.status.podIPs[*].ip}")).succeeds()
                .printed("127.0.0.1 127.0.0.1 127.0.0.1");
        assertThat(ns.kubectl().run("get", "pods", "-o", "wide")).succeeds()
                .hasLineMatching("kubia-hostnet\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+127\\.0\\.0\\.1\\s+" + NodePods.NODE
                        + "\\s+<none>\\s+<none>");
        // the container is in the host's network namespace: same ns id, the host's interfaces, the host's name
        assertThat(ns.kubectl().run("exec", "kubia-hostnet", "--", "readlink", "/proc/self/ns/net")).succeeds()
                .printed(readlink("/proc/self/ns/net"));
        assertThat(ns.kubectl().run("exec", "kubia-hostnet", "--", "ip", "-o", "link", "show", "kube4j0"))
                .succeeds().stdoutContains("kube4j0");
        String hostName = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        assertThat(ns.kubectl().run("exec", "kubia-hostnet", "--", "hostname")).succeeds().printed(hostName);
        assertThat(NodePods.httpGet("127.0.0.1", port).body()).isEqualTo("You've hit " + hostName + "\n");
    }

    private static String readlink(String path) {
        try {
            return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of(path)).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** True once a connection to host:port is refused (polls: the rules go away with the sandbox). */
    private static boolean refused(String host, int port) {
        for (int i = 0; i < 50; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(host, port), 1000);
            } catch (java.net.ConnectException e) {
                return true;
            } catch (IOException e) {
                // a timeout: not refused (yet)
            }
            NodePods.sleep(200);
        }
        return false;
    }
}
