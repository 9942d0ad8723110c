package io.kube4j.storage.etcd;

import io.kube4j.apiserver.server.ApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three etcd members, three in-process API servers on them, and writers creating and updating ConfigMaps
 * without pause while one API server stops and then the etcd leader is killed. Every write a client got an
 * answer for must be readable, exactly as acknowledged, through the surviving servers, and a watch opened at
 * the start on a survivor must have seen each acknowledged write once, in order. The API server stop is
 * {@link ApiServer#close()}: a clean stop that drops open connections, not a kill -9 of a process (the e2e
 * {@code WriteLoadFaultIT} does that).
 */
class HaWriteLoadFaultTest {
    private static final int SERVERS = 3;
    private static final String NS = "default";

    @TempDir
    Path dirs;

    @Test
    @Timeout(180)
    void acknowledgedWritesSurviveAnApiServerStopAndAnEtcdLeaderKill() throws Exception {
        EtcdCluster etcd = EtcdCluster.start(3);
        List<ApiServer> servers = new ArrayList<>();
        try {
            EtcdOptions options = etcd.options(EtcdOptions.DEFAULT_PREFIX);
            for (int i = 0; i < SERVERS; i++) {
                servers.add(InProcessApiServers.start(dirs.resolve("s" + i), options));
            }
            ApiServer credentials = servers.get(0);
            String summary = WriteLoad.runWithFaults(NS, SERVERS,
                    i -> InProcessApiServers.client(servers.get(i), credentials), () -> servers.get(0).close(),
                    etcd, 3_000, Duration.ofSeconds(20));
            System.out.println("HA write load (in-process, server stopped): " + summary);
        } finally {
            InProcessApiServers.closeAll(servers.reversed().toArray(AutoCloseable[]::new));
            etcd.close();
        }
    }
}
