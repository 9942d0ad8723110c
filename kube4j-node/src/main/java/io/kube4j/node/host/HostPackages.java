package io.kube4j.node.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that the host programs a kube4j node runs are present, and installs the missing ones
 * with apt-get when it can.
 *
 * <p>The node calls {@link #ensureInstalled()} once at start-up, before it touches the network or
 * starts containerd. Not thread-safe (one caller at start-up); safe to call again.
 */
public final class HostPackages {

    private static final Logger LOG = LoggerFactory.getLogger(HostPackages.class);

    /** Directories searched for a program given by name, in the order a root shell's PATH has them. */
    static final List<Path> SEARCH_PATH = List.of(
            Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"), Path.of("/usr/sbin"),
            Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

    /** The CNI plugins' directory on Debian (not /opt/cni/bin). */
    public static final Path CNI_BIN_DIR = Path.of("/usr/lib/cni");

    /** The busybox the test images are built from; it must be statically linked. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    /**
     * One thing the node needs on the host.
     *
     * @param name what the error message calls it
     * @param file an absolute path, or a bare program name looked up in {@link #SEARCH_PATH}
     * @param debianPackage the package that provides it
     * @param mustBeStatic whether it must be a statically linked executable (copied into images)
     */
    public record Requirement(String name, String file, String debianPackage, boolean mustBeStatic) {
    }

    /** Everything a node needs, in install order. */
    public static final List<Requirement> REQUIREMENTS = List.of(
            new Requirement("containerd", "containerd", "containerd", false),
            new Requirement("ctr", "ctr", "containerd", false),
            new Requirement("runc", "runc", "runc", false),
            new Requirement("CNI bridge plugin", CNI_BIN_DIR.resolve("bridge").toString(), "containernetworking-plugins", false),
            new Requirement("CNI host-local plugin", CNI_BIN_DIR.resolve("host-local").toString(), "containernetworking-plugins", false),
            new Requirement("CNI portmap plugin", CNI_BIN_DIR.resolve("portmap").toString(), "containernetworking-plugins", false),
            new Requirement("CNI loopback plugin", CNI_BIN_DIR.resolve("loopback").toString(), "containernetworking-plugins", false),
            // portmap and the bridge's ipMasq drive iptables (nft backend); the package depends on it.
            new Requirement("iptables", "iptables", "iptables", false),
            new Requirement("nft", "nft", "nftables", false),
            new Requirement("ip", "ip", "iproute2", false),
            new Requirement("static busybox", BUSYBOX.toString(), "busybox-static", true));

    /** What a file on the host is, as far as the probe cares. */
    public enum FileState { MISSING, EXECUTABLE, STATIC_EXECUTABLE }

    /** Runs apt-get with the given arguments; injectable so the install decisions can be tested. */
    @FunctionalInterface
    public interface Apt {
        HostCommand.Result run(List<String> args);
    }

    /** Thrown when the host lacks programs and they can't be installed here. */
    public static final class MissingHostPackagesException extends RuntimeException {
        private final List<String> packages;

        MissingHostPackagesException(String message, List<String> packages) {
            super(message);
            this.packages = List.copyOf(packages);
        }

        /** The Debian packages to install, e.g. {@code [containerd, busybox-static]}. */
        public List<String> packages() {
            return packages;
        }
    }

    private final Function<Path, FileState> files;
    private final Apt apt;

    /**
     * @param files what a path on the host is ({@link #hostFiles()} on a real host)
     * @param apt runs apt-get, or null when apt-get can't be used here (not root, no apt-get)
     */
    public HostPackages(Function<Path, FileState> files, Apt apt) {
        this.files = Objects.requireNonNull(files);
        this.apt = apt;
    }

    /** The probe of this host, installing with apt-get only if we are root and apt-get exists. */
    public static HostPackages forThisHost() {
        Function<Path, FileState> files = hostFiles();
        boolean canApt = isRoot() && files.apply(Path.of("/usr/bin/apt-get")) != FileState.MISSING;
        return new HostPackages(files, canApt ? HostPackages::runAptGet : null);
    }

    /** The requirements not met on this host, in {@link #REQUIREMENTS} order. */
    public List<Requirement> missing() {
        List<Requirement> missing = new ArrayList<>();
        for (Requirement r : REQUIREMENTS) {
            if (!present(r)) {
                missing.add(r);
            }
        }
        return missing;
    }

    /** The Debian packages that provide {@link #missing()}, without duplicates. */
    public List<String> missingPackages() {
        SequencedSet<String> pkgs = new LinkedHashSet<>();
        for (Requirement r : missing()) {
            pkgs.add(r.debianPackage());
        }
        return List.copyOf(pkgs);
    }

    /**
     * Makes sure every requirement is met: does nothing if all are, else runs
     * {@code apt-get install -y PACKAGES} (and, only if that fails, {@code apt-get update} and the
     * install again).
     *
     * @throws MissingHostPackagesException naming the packages to install when apt-get can't be
     *     used or the install did not provide everything
     */
    public void ensureInstalled() {
        List<String> pkgs = missingPackages();
        if (pkgs.isEmpty()) {
            return;
        }
        if (apt == null) {
            throw new MissingHostPackagesException(describe(missing()) + "; as root run: apt-get install -y "
                    + String.join(" ", pkgs), pkgs);
        }
        LOG.info("installing host packages packages={}", pkgs);
        List<String> install = new ArrayList<>(List.of("install", "-y", "--no-install-recommends"));
        install.addAll(pkgs);
        HostCommand.Result r = apt.run(install);
        if (!r.ok()) {
            LOG.info("apt-get install failed, updating package lists first exitCode={}", r.exitCode());
            HostCommand.Result update = apt.run(List.of("update"));
            if (!update.ok()) {
                throw new MissingHostPackagesException("apt-get update failed (" + lastLine(update) + "); install "
                        + "these packages by hand: " + String.join(" ", pkgs), pkgs);
            }
            r = apt.run(install);
        }
        List<Requirement> still = missing();
        if (!r.ok() || !still.isEmpty()) {
            throw new MissingHostPackagesException((still.isEmpty() ? "" : describe(still) + "; ")
                    + "apt-get install -y " + String.join(" ", pkgs) + " failed"
                    + (r.ok() ? "" : ": " + lastLine(r)), pkgs);
        }
    }

    private boolean present(Requirement r) {
        for (Path p : candidates(r.file())) {
            FileState s = files.apply(p);
            if (s == FileState.STATIC_EXECUTABLE || (s == FileState.EXECUTABLE && !r.mustBeStatic())) {
                return true;
            }
        }
        return false;
    }

    private static List<Path> candidates(String file) {
        if (file.startsWith("/")) {
            return List.of(Path.of(file));
        }
        return SEARCH_PATH.stream().map(d -> d.resolve(file)).toList();
    }

    private static String describe(List<Requirement> missing) {
        List<String> parts = new ArrayList<>();
        for (Requirement r : missing) {
            parts.add(r.name() + " (" + r.file() + ", package " + r.debianPackage() + ")");
        }
        return "the node needs host programs that are missing: " + String.join(", ", parts);
    }

    private static String lastLine(HostCommand.Result r) {
        String text = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
        int nl = text.lastIndexOf('\n');
        return "exit " + r.exitCode() + (text.isEmpty() ? "" : ": " + text.substring(nl + 1));
    }

    private static HostCommand.Result runAptGet(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("apt-get");
        cmd.add("-q");
        cmd.addAll(args);
        return HostCommand.run(cmd, null, Map.of("DEBIAN_FRONTEND", "noninteractive"), Duration.ofMinutes(10));
    }

    /** Whether this process runs as uid 0, read from /proc (no native calls). */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            // no /proc: not a Linux host we can set up anyway
        }
        return false;
    }

    /** The real file probe: follows symlinks, tells static from dynamic ELF executables. */
    public static Function<Path, FileState> hostFiles() {
        return p -> {
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                return FileState.MISSING;
            }
            return isStaticElf(p) ? FileState.STATIC_EXECUTABLE : FileState.EXECUTABLE;
        };
    }

    /**
     * Whether {@code file} is an ELF executable without a program interpreter (PT_INTERP), i.e. one
     * that runs in an empty root file system.
     */
    static boolean isStaticElf(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(64);
            if (head.length < 64 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F'
                    || head[4] != 2 /* 64-bit */) {
                return false;
            }
            ByteBuffer h = ByteBuffer.wrap(head).order(head[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            long phoff = h.getLong(0x20);
            int phentsize = Short.toUnsignedInt(h.getShort(0x36));
            int phnum = Short.toUnsignedInt(h.getShort(0x38));
            if (phoff < 64 || phentsize < 4 || phnum > 256) {
                return false;
            }
            in.skipNBytes(phoff - 64);
            ByteBuffer ph = ByteBuffer.wrap(in.readNBytes(phentsize * phnum)).order(h.order());
            for (int i = 0; i < phnum && (i + 1) * phentsize <= ph.capacity(); i++) {
                if (ph.getInt(i * phentsize) == 3) { // PT_INTERP
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
