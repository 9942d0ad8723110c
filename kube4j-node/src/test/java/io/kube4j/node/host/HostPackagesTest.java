package io.kube4j.node.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.kube4j.node.host.HostPackages.FileState;
import io.kube4j.node.host.HostPackages.MissingHostPackagesException;

class HostPackagesTest {

    /** A host with every requirement present, the way Debian lays them out. */
    private static Map<Path, FileState> completeHost() {
        Map<Path, FileState> files = new HashMap<>();
        files.put(Path.of("/usr/bin/containerd"), FileState.EXECUTABLE);
        files.put(Path.of("/usr/bin/ctr"), FileState.EXECUTABLE);
        files.put(Path.of("/usr/sbin/runc"), FileState.EXECUTABLE);
        for (String p : List.of("bridge", "host-local", "portmap", "loopback")) {
            files.put(Path.of("/usr/lib/cni", p), FileState.EXECUTABLE);
        }
        files.put(Path.of("/usr/sbin/iptables"), FileState.EXECUTABLE);
        files.put(Path.of("/usr/sbin/nft"), FileState.EXECUTABLE);
        files.put(Path.of("/bin/ip"), FileState.EXECUTABLE);
        files.put(Path.of("/bin/busybox"), FileState.STATIC_EXECUTABLE);
        return files;
    }

    private static Function<Path, FileState> lookup(Map<Path, FileState> files) {
        return p -> files.getOrDefault(p, FileState.MISSING);
    }

    @Test
    void nothingMissingOnACompleteHost() {
        HostPackages pkgs = new HostPackages(lookup(completeHost()), null);
        assertThat(pkgs.missing()).isEmpty();
        pkgs.ensureInstalled(); // no apt needed, no exception
    }

    @Test
    void thisHostHasEverythingANodeNeeds() {
        assertThat(HostPackages.forThisHost().missing()).isEmpty();
        assertThat(HostPackages.isStaticElf(Path.of("/bin/busybox"))).isTrue();
        assertThat(HostPackages.isStaticElf(Path.of("/usr/sbin/nft"))).isFalse();
    }

    @Test
    void namesExactlyTheDebianPackagesOfWhatIsMissing() {
        Map<Path, FileState> files = completeHost();
        files.remove(Path.of("/usr/lib/cni/portmap"));
        files.remove(Path.of("/usr/lib/cni/loopback"));
        files.remove(Path.of("/usr/bin/ctr"));
        files.put(Path.of("/bin/busybox"), FileState.EXECUTABLE); // the dynamic busybox package
        HostPackages pkgs = new HostPackages(lookup(files), null);

        assertThat(pkgs.missingPackages()).containsExactly("containerd", "containernetworking-plugins", "busybox-static");
        assertThatThrownBy(pkgs::ensureInstalled)
                .isInstanceOf(MissingHostPackagesException.class)
                .hasMessageContaining("apt-get install -y containerd containernetworking-plugins busybox-static")
                .hasMessageContaining("CNI portmap plugin (/usr/lib/cni/portmap, package containernetworking-plugins)")
                .hasMessageNotContaining("nftables")
                .satisfies(e -> assertThat(((MissingHostPackagesException) e).packages())
                        .containsExactly("containerd", "containernetworking-plugins", "busybox-static"));
    }

    @Test
    void programsAreFoundAnywhereOnTheSearchPath() {
        Map<Path, FileState> files = completeHost();
        files.remove(Path.of("/usr/sbin/nft"));
        files.put(Path.of("/usr/local/sbin/nft"), FileState.EXECUTABLE);
        assertThat(new HostPackages(lookup(files), null).missing()).isEmpty();
    }

    @Test
    void installsWithAptAndUpdatesOnlyWhenTheInstallFails() {
        Map<Path, FileState> files = completeHost();
        files.remove(Path.of("/usr/sbin/nft"));
        files.remove(Path.of("/bin/ip"));
        List<List<String>> calls = new ArrayList<>();
        boolean[] updated = {false};
        HostPackages pkgs = new HostPackages(lookup(files), args -> {
            calls.add(args);
            if (args.equals(List.of("update"))) {
                updated[0] = true;
                return new HostCommand.Result(args, 0, "", "");
            }
            if (!updated[0]) { // stale package lists: the first install can't find the packages
                return new HostCommand.Result(args, 100, "", "E: Unable to locate package nftables");
            }
            files.put(Path.of("/usr/sbin/nft"), FileState.EXECUTABLE);
            files.put(Path.of("/usr/bin/ip"), FileState.EXECUTABLE);
            return new HostCommand.Result(args, 0, "", "");
        });

        pkgs.ensureInstalled();

        List<String> install = List.of("install", "-y", "--no-install-recommends", "nftables", "iproute2");
        assertThat(calls).containsExactly(install, List.of("update"), install);
        assertThat(pkgs.missing()).isEmpty();
    }

    @Test
    void failsNamingThePackagesWhenAptDoesNotProvideThem() {
        Map<Path, FileState> files = completeHost();
        files.remove(Path.of("/bin/busybox"));
        List<List<String>> calls = new ArrayList<>();
        HostPackages pkgs = new HostPackages(lookup(files), args -> {
            calls.add(args);
            return new HostCommand.Result(args, 0, "", ""); // claims success, installs nothing
        });
        assertThatThrownBy(pkgs::ensureInstalled)
                .isInstanceOf(MissingHostPackagesException.class)
                .hasMessageContaining("static busybox (/bin/busybox, package busybox-static)")
                .hasMessageContaining("apt-get install -y busybox-static failed");
        assertThat(calls).hasSize(1);
    }
}
