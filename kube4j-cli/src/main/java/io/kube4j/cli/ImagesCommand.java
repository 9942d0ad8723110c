package io.kube4j.cli;

import io.kube4j.node.images.ImageImporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code kube4j images import FILE.tar...}: loads image archives into the node's containerd, as air-gap images. */
@Command(name = "images", mixinStandardHelpOptions = true, description = "Manage the node's images.",
        subcommands = ImagesCommand.Import.class)
final class ImagesCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import OCI or Docker image archives into the node's containerd.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--container-runtime-endpoint", description = "The node's containerd socket "
                + "(default: ${DEFAULT-VALUE}).", defaultValue = "unix:///run/kube4j/containerd/containerd.sock")
        String endpoint;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Image archives (.tar).")
        List<Path> files;

        @Override
        public Integer call() {
            Path socket = Path.of(endpoint.replaceFirst("^unix://", ""));
            ImageImporter importer = new ImageImporter(socket);
            for (Path f : files) {
                ImageImporter.Imported done = importer.importArchive(f);
                System.out.println(f + ": " + String.join(", ", done.images()) + (done.skipped() ? " (already present)"
                        : " imported in " + done.took().toMillis() + " ms"));
            }
            return 0;
        }
    }
}
