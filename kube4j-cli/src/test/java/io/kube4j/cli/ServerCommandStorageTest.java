package io.kube4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How {@code kube4j server} treats the etcd storage flags before any cluster runs. */
class ServerCommandStorageTest {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(30)
    void withNoReachableEtcdTheServerStopsWithOneLineAndExitCode1() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long t0 = System.nanoTime();

        Result r = run("--port", "0", "--bind-address", "127.0.0.1", "--disable-node", "--storage", "etcd",
                "--etcd-endpoints", "http://127.0.0.1:" + port);

        assertThat(r.code()).isEqualTo(1);
        // the log lines before it are the server's start; the error itself is one line without a stack trace
        assertThat(r.err().strip().lines().toList()).last().isEqualTo("kube4j: cannot reach etcd at http://127.0.0.1:"
                + port + ": no member answered within 3000ms");
        assertThat(r.err()).doesNotContain("\tat ");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void etcdFlagsAreCheckedBeforeAnythingStarts() {
        assertThat(usageError("--storage", "etcd")).contains("--etcd-endpoints must name at least one etcd member");
        assertThat(usageError("--storage", "etcd", "--etcd-endpoints", "127.0.0.1:2379"))
                .contains("is not an etcd client URL like https://127.0.0.1:2379");
        assertThat(usageError("--etcd-endpoints", "http://127.0.0.1:2379"))
                .contains("--etcd-endpoints needs --storage etcd");
        assertThat(usageError("--storage", "etcd", "--etcd-endpoints", "http://127.0.0.1:2379",
                "--etcd-cafile", dataDir.resolve("missing.pem").toString())).contains("cannot read");
    }

    private String usageError(String... args) {
        Result r = run(args);
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        return r.err();
    }

    private record Result(int code, String err) {
    }

    /** Runs {@code kube4j server --data-dir <temp> args}, capturing what it prints on stderr. */
    private Result run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--data-dir";
        all[1] = dataDir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            CommandLine cmd = new CommandLine(new ServerCommand());
            cmd.setErr(new PrintWriter(System.err, true));
            int code = cmd.execute(all);
            return new Result(code, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(saved);
        }
    }
}
