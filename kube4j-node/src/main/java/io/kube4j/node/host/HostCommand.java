package io.kube4j.node.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host program to completion (ip, nft, iptables, ctr, apt-get) and captures its output.
 *
 * <p>Used by the host-side setup classes of the node; stateless and thread-safe. A program that
 * outlives its timeout is killed (SIGKILL) and reported as failed.
 */
public final class HostCommand {

    /** What a finished program left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result if the program exited 0, else throws with its stderr. */
        public Result orThrow() {
            if (!ok()) {
                throw new HostCommandException(this);
            }
            return this;
        }
    }

    /** A host program that failed; the message carries the command line, exit code and stderr. */
    public static final class HostCommandException extends RuntimeException {
        private final transient Result result;

        public HostCommandException(Result result) {
            super(String.join(" ", result.command()) + " exited " + result.exitCode() + ": "
                    + (result.stderr().isBlank() ? result.stdout().strip() : result.stderr().strip()));
            this.result = result;
        }

        public Result result() {
            return result;
        }
    }

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private HostCommand() {
    }

    /** Runs {@code command} with no input and the default timeout (30 s). */
    public static Result run(String... command) {
        return run(List.of(command), null, Map.of(), DEFAULT_TIMEOUT);
    }

    /** Runs {@code command} and throws {@link HostCommandException} unless it exits 0. */
    public static Result check(String... command) {
        return run(command).orThrow();
    }

    /**
     * Runs {@code command}, writing {@code stdin} (may be null) to its standard input, with extra
     * environment variables, killing it after {@code timeout}.
     */
    public static Result run(List<String> command, String stdin, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Result(List.copyOf(command), 127, "", e.getMessage());
        }
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    // The program may exit before reading all input; its exit code tells the story.
                }
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return new Result(List.copyOf(command), 124, out.join(), "timed out after " + timeout + "; " + err.join());
            }
            return new Result(List.copyOf(command), p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                f.complete(buf.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                f.completeExceptionally(new UncheckedIOException(e));
            }
        });
        return f;
    }
}
