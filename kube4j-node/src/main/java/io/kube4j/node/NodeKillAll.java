package io.kube4j.node;

import io.kube4j.cri.CriException;
import io.kube4j.cri.api.ListContainersRequest;
import io.kube4j.cri.api.ListPodSandboxRequest;
import io.kube4j.cri.api.PodSandbox;
import io.kube4j.cri.api.RemoveContainerRequest;
import io.kube4j.cri.api.RemovePodSandboxRequest;
import io.kube4j.cri.api.StopContainerRequest;
import io.kube4j.cri.api.StopPodSandboxRequest;
import io.kube4j.cri.grpc.RemoteRuntime;
import io.kube4j.node.containerd.Containerd;
import io.kube4j.node.kubelet.runtime.CriPodRuntime;
import io.kube4j.node.network.NetworkGuard;
import io.kube4j.node.network.NodeCleanup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Leaves the host as it was before the node ran (what {@code kube4j killall} does, like k3s's killall script):
 * stops and removes every pod's containers and sandboxes (tearing down their network), stops containerd, then
 * removes the bridge, host-port rules, IPAM leases, the network guard and containerd's state. Refuses while a node
 * still serves on the containerd socket. Not thread-safe; run once.
 */
public final class NodeKillAll {
    private NodeKillAll() {
    }

    /** Runs every step for the node whose data dir is {@code nodeDataDir}; returns what it did. */
    public static List<String> run(Path nodeDataDir, String clusterCidr, String serviceCidr) throws Exception {
        List<String> done = new ArrayList<>();
        Containerd.Config cfg = Containerd.Config.defaults(nodeDataDir);
        if (Files.exists(cfg.socket()) && answers(cfg.socket()) && ownedByLiveNode(cfg)) {
            throw new IllegalStateException("a node is still running on " + cfg.socket() + ": stop kube4j first");
        }
        if (Files.isDirectory(cfg.root())) {
            try (Containerd containerd = Containerd.managed(cfg)) {
                containerd.start();
                try (RemoteRuntime cri = RemoteRuntime.connect(containerd.endpoint())) {
                    cri.waitUntilReady(Duration.ofSeconds(30));
                    for (var c : cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
                        if (!c.getLabelsMap().containsKey(CriPodRuntime.POD_UID)) {
                            continue;
                        }
                        ignoreNotFound(() -> cri.stopContainer(StopContainerRequest.newBuilder()
                                .setContainerId(c.getId()).setTimeout(0).build()));
                        ignoreNotFound(() -> cri.removeContainer(RemoveContainerRequest.newBuilder()
                                .setContainerId(c.getId()).build()));
                        done.add("container " + c.getLabelsMap().get(CriPodRuntime.POD_NAMESPACE) + "/"
                                + c.getLabelsMap().get(CriPodRuntime.POD_NAME) + "/" + c.getMetadata().getName());
                    }
                    for (PodSandbox sb : cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                        if (!sb.getLabelsMap().containsKey(CriPodRuntime.POD_UID)) {
                            continue;
                        }
                        ignoreNotFound(() -> cri.stopPodSandbox(StopPodSandboxRequest.newBuilder()
                                .setPodSandboxId(sb.getId()).build()));
                        ignoreNotFound(() -> cri.removePodSandbox(RemovePodSandboxRequest.newBuilder()
                                .setPodSandboxId(sb.getId()).build()));
                        done.add("pod " + sb.getMetadata().getNamespace() + "/" + sb.getMetadata().getName());
                    }
                }
            }
        }
        // shims outlive containerd; any left for this node's socket (a container that was being stopped) go too
        String address = cfg.socket().toString();
        ProcessHandle.allProcesses().filter(p -> p.info().command().orElse("").endsWith("containerd-shim-runc-v2"))
                .filter(p -> java.util.Arrays.asList(p.info().arguments().orElse(new String[0])).contains(address))
                .forEach(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    done.add("shim " + p.pid());
                });
        Path pods = nodeDataDir.resolve("pods");
        if (Files.isDirectory(pods)) {
            var volumes = new io.kube4j.node.kubelet.volume.VolumeManager(pods);
            try (var uids = Files.list(pods)) {
                for (Path uid : uids.toList()) {
                    volumes.tearDown(uid.getFileName().toString());
                    done.add("volumes of pod " + uid.getFileName());
                }
            }
        }
        NetworkGuard.Options guard = NetworkGuard.Options.defaults().withCidrs(clusterCidr, serviceCidr);
        NodeCleanup.Options cleanup = NodeCleanup.Options.defaults(nodeDataDir);
        done.addAll(new NodeCleanup(new NodeCleanup.Options(cleanup.dataDir(), cleanup.stateDir(),
                cleanup.networkName(), cleanup.bridge(), guard)).run());
        return done;
    }

    /** True when this node's containerd is served by a live node (not an orphan left by a SIGKILL). */
    private static boolean ownedByLiveNode(Containerd.Config cfg) {
        return Containerd.orphanOf(cfg.configFile()).isEmpty();
    }

    private static boolean answers(Path socket) {
        try (RemoteRuntime cri = RemoteRuntime.connect("unix://" + socket)) {
            cri.waitUntilReady(Duration.ofMillis(500));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void ignoreNotFound(Runnable call) {
        try {
            call.run();
        } catch (CriException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }
}
