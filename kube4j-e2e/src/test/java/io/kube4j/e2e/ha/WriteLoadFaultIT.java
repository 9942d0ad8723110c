package io.kube4j.e2e.ha;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kube4j.e2e.Kube4jServer;
import io.kube4j.storage.etcd.EtcdCluster;
import io.kube4j.storage.etcd.WriteLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The write-load fault test against real {@code kube4j server} processes: three etcd members, three API servers
 * on them (no node, scheduler or controllers), writers creating and updating ConfigMaps through a client that
 * fails over to the next server, while one server is killed with {@code kill -9} and then the etcd leader is
 * killed. No acknowledged write may be lost, and a watch on a survivor must see each one once, in order. Every
 * process is stopped by its PID in the finally block.
 */
class WriteLoadFaultIT {
    private static final int SERVERS = 3;
    private static final String NS = "default";

    @Test
    @Timeout(300)
    void noAcknowledgedWriteIsLostWhenAServerIsKilledAndTheEtcdLeaderDies() throws Exception {
        EtcdCluster etcd = EtcdCluster.start(3);
        List<Kube4jServer> servers = new ArrayList<>();
        try {
            String endpoints = etcd.endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
            for (int i = 0; i < SERVERS; i++) {
                // one after the other: the later ones take the first one's identity from the store
                servers.add(Kube4jServer.startFresh("writeload-" + i, false, "--storage", "etcd",
                        "--etcd-endpoints", endpoints, "--disable-scheduler", "--disable-controllers"));
            }
            String summary = WriteLoad.runWithFaults(NS, SERVERS, i -> client(servers.get(i)),
                    () -> servers.get(0).kill(), etcd, 4_000, Duration.ofSeconds(30));
            System.out.println("HA write load (processes, kill -9): " + summary);
        } finally {
            for (Kube4jServer s : servers) {
                s.close();
            }
            etcd.close();
        }
    }

    /** An admin client of {@code server} from its kubeconfig, with fabric8's own retries off. */
    private static KubernetesClient client(Kube4jServer server) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(server.kubeconfig()));
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(config)
                .withNamespace(NS)
                // the admin key is ECDSA P-256; fabric8 reads a PKCS#8 key as RSA unless told
                .withClientKeyAlgo("EC")
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(2_000)
                .withRequestTimeout(15_000)
                .withWatchReconnectInterval(200)
                .build()).build();
    }
}
