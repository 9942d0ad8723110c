package io.kube4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What benchmarks of one {@link Bench} run share: the options, and a server holding {@code pods} pods in
 * namespace {@value #POD_NAMESPACE} (filled by pod-create, reused by list-table). Used from the bench's
 * main thread only; {@link #close} stops the shared server.
 */
final class BenchContext implements AutoCloseable {
    static final String POD_NAMESPACE = "bench";

    private final BenchOptions options;
    private ServerProcess populated;
    private Path populatedDir;

    BenchContext(BenchOptions options) {
        this.options = options;
    }

    BenchOptions options() {
        return options;
    }

    /** A fresh temporary data dir; the caller deletes it ({@link ServerProcess#deleteTree}). */
    Path freshDataDir(String label) throws IOException {
        return Files.createTempDirectory("kube4j-bench-" + label + "-");
    }

    /** Hands over a server with {@code pods} pods in {@value #POD_NAMESPACE}; this context stops it. */
    void keepPopulated(ServerProcess server, Path dataDir) {
        releasePopulated();
        populated = server;
        populatedDir = dataDir;
    }

    /** The populated server, starting and filling one (unmeasured) when no benchmark left one. */
    ServerProcess populated() throws Exception {
        if (populated == null) {
            Path dir = freshDataDir("populated");
            ServerProcess sp = ServerProcess.startReady(options, dir, "populated");
            try {
                PodCreateBench.Run run = PodCreateBench.fill(sp, options, POD_NAMESPACE, options.pods(), "pod-");
                if (run.failures() > 0) {
                    throw new IllegalStateException("filling the populated server: " + run.failures()
                            + " creates failed, first: " + run.firstFailure());
                }
            } catch (Exception e) {
                sp.close();
                ServerProcess.deleteTree(dir);
                throw e;
            }
            keepPopulated(sp, dir);
        }
        return populated;
    }

    private void releasePopulated() {
        if (populated != null) {
            populated.close();
            ServerProcess.deleteTree(populatedDir);
            populated = null;
            populatedDir = null;
        }
    }

    @Override
    public void close() {
        releasePopulated();
    }
}
