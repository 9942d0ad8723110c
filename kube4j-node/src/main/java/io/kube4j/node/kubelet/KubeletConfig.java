package io.kube4j.node.kubelet;

import java.nio.file.Path;
import java.util.Map;

/**
 * How one kubelet runs: its node's name and address, its HTTPS port, where pod logs go, and the version it reports.
 *
 * @param podLogsDir where container logs are written, one directory per pod (upstream: /var/log/pods)
 */
public record KubeletConfig(String nodeName, String nodeIp, int kubeletPort, Path dataDir, Path podLogsDir,
                            String kubeletVersion, Map<String, String> nodeLabels) {
}
