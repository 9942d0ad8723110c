package io.kube4j.node.containerd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.RootHost;

class ContainerdTest {

    @TempDir
    Path dataDir;

    private Path stateDir;
    private Containerd containerd;

    @AfterEach
    void tearDown() throws Exception {
        if (containerd != null) {
            containerd.stop();
        }
        RootHost.deleteTree(stateDir);
    }

    @Test
    void defaultsKeepStateUnderRunKube4j() {
        Containerd.Config c = Containerd.Config.defaults(Path.of("/var/lib/kube4j"));
        assertThat(c.socket()).isEqualTo(Path.of("/run/kube4j/containerd/containerd.sock"));
        assertThat(c.configFile()).isEqualTo(Path.of("/var/lib/kube4j/containerd/config.toml"));
        assertThat(c.root()).isEqualTo(Path.of("/var/lib/kube4j/containerd/root"));
        assertThat(c.cniBinDir()).isEqualTo(Path.of("/usr/lib/cni"));
        assertThat(Containerd.managed(c).endpoint()).isEqualTo("unix:///run/kube4j/containerd/containerd.sock");
    }

    @Test
    void rendersTheCriSettingsTheseHostsNeed() {
        Containerd.Config c = Containerd.Config.withStateDir(Path.of("/data"), Path.of("/run/k"))
                .withPauseImage("kube4j.local/pause:3.10");
        String toml = Containerd.renderConfig(c);
        assertThat(toml).contains(
                "version = 2\n",
                "root = \"/data/containerd/root\"\n",
                "state = \"/run/k\"\n",
                "[grpc]\n  address = \"/run/k/containerd.sock\"\n",
                "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"kube4j.local/pause:3.10\"\n"
                        + "  restrict_oom_score_adj = true\n  enable_tls_streaming = false\n"
                        + "  stream_server_address = \"127.0.0.1\"\n  stream_server_port = \"0\"\n",
                "    snapshotter = \"overlayfs\"\n",
                "runtime_type = \"io.containerd.runc.v2\"\n",
                "        SystemdCgroup = false\n        Root = \"/run/k/runc\"\n",
                "    bin_dir = \"/usr/lib/cni\"\n    conf_dir = \"/data/cni/net.d\"\n");
        assertThat(toml).doesNotContain("mirrors", "/var/lib/containerd", "/run/containerd");
    }

    @Test
    void escapesTomlStrings() {
        assertThat(Containerd.q("a\"b\\c\n")).isEqualTo("\"a\\\"b\\\\c\\n\"");
    }

    @Test
    void rejectsSocketPathsTooLongForSunPath() {
        Path longDir = Path.of("/tmp/" + "x".repeat(90));
        assertThatThrownBy(() -> Containerd.Config.withStateDir(Path.of("/data"), longDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be shorter than 100");
    }

    @Test
    void existingEndpointTakesUrlOrPath() {
        assertThat(Containerd.existing("unix:///run/containerd/containerd.sock").socket())
                .isEqualTo(Path.of("/run/containerd/containerd.sock"));
        assertThat(Containerd.existing("/run/x.sock").endpoint()).isEqualTo("unix:///run/x.sock");
        assertThat(Containerd.existing("/run/x.sock").isManaged()).isFalse();
        assertThatThrownBy(() -> Containerd.existing("tcp://1.2.3.4:1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void startsAnswersServesStreamsOnLoopbackAndStops() throws Exception {
        RootHost.requireRoot();
        stateDir = RootHost.shortTempDir();
        containerd = Containerd.managed(Containerd.Config.withStateDir(dataDir, stateDir));

        containerd.start();
        long pid = containerd.pid().orElseThrow();
        Duration took = containerd.lastStartDuration().orElseThrow();
        System.out.println("containerd start took " + took.toMillis() + " ms");
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        containerd.start(); // idempotent while running
        assertThat(containerd.pid()).hasValue(pid);

        HostCommand.Result version = HostCommand.check("ctr", "--address", containerd.socket().toString(), "version");
        assertThat(version.stdout()).contains("Server:", "1.6");
        HostCommand.Result plugins = HostCommand.check("ctr", "--address", containerd.socket().toString(), "plugins", "ls");
        assertThat(plugins.stdout()).containsPattern("io\\.containerd\\.grpc\\.v1\\s+cri\\s+linux/amd64\\s+ok");
        assertThat(Files.readString(dataDir.resolve("containerd/config.toml"))).contains("restrict_oom_score_adj = true");

        // stream_server_port = "0": the CRI stream server binds a free port on 127.0.0.1 only.
        String listening = HostCommand.check("ss", "-Hltnp").stdout();
        Matcher m = Pattern.compile("(\\S+):(\\d+)\\s+\\S+\\s+users:\\(\\(\"containerd\",pid=" + pid + ",").matcher(listening);
        assertThat(m.find()).as("containerd pid %d listens on TCP:%n%s", pid, listening).isTrue();
        assertThat(m.group(1)).isEqualTo("127.0.0.1");
        assertThat(Integer.parseInt(m.group(2))).isPositive();
        assertThat(m.find()).as("only one TCP listener").isFalse();

        // A second node on the same socket must not clobber the first.
        Containerd second = Containerd.managed(Containerd.Config.withStateDir(dataDir, stateDir));
        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already serves");

        long t0 = System.nanoTime();
        containerd.stop();
        System.out.println("containerd stop took " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(containerd.pid()).isEmpty();
        assertThat(Files.readString(dataDir.resolve("containerd/containerd.log"))).contains("containerd successfully booted");
    }
}
