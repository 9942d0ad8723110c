package io.kube4j.node.kubelet.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Facts about the machine for the Node object: CPUs, memory, disk, machine and boot ids, kernel and OS. Read once per
 * status update from /proc and /etc; no state.
 */
public final class NodeInfoProbe {
    private NodeInfoProbe() {
    }

    public static int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** MemTotal from /proc/meminfo, in bytes. */
    public static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException ignored) {
            // fall through to the JVM's view
        }
        return Runtime.getRuntime().maxMemory();
    }

    public static long diskBytes(Path dir) {
        try {
            return Files.getFileStore(dir).getTotalSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    public static String read(String file, String fallback) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return fallback;
        }
    }

    public static String machineId() {
        return read("/etc/machine-id", read("/var/lib/dbus/machine-id", ""));
    }

    public static String bootId() {
        return read("/proc/sys/kernel/random/boot_id", "");
    }

    public static String systemUuid() {
        return read("/sys/class/dmi/id/product_uuid", machineId());
    }

    public static String kernelVersion() {
        return read("/proc/sys/kernel/osrelease", System.getProperty("os.version"));
    }

    /** PRETTY_NAME from /etc/os-release, e.g. "Debian GNU/Linux 12 (bookworm)". */
    public static String osImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException ignored) {
            // unknown OS image
        }
        return "Linux";
    }

    public static Map<String, String> labels(String nodeName) {
        return Map.of("kubernetes.io/hostname", nodeName, "kubernetes.io/os", "linux", "kubernetes.io/arch", "amd64",
                "beta.kubernetes.io/os", "linux", "beta.kubernetes.io/arch", "amd64");
    }
}
