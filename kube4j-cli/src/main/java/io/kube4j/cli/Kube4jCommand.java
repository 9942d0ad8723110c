package io.kube4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kube4j} command: {@code kube4j server} starts a cluster. */
@Command(name = "kube4j", mixinStandardHelpOptions = true, versionProvider = Kube4jCommand.Version.class,
        description = "Kubernetes, written in Java.",
        subcommands = {ServerCommand.class, AgentCommand.class, ControllerManagerCommand.class, SchedulerCommand.class,
                ImagesCommand.class,
                KillAllCommand.class, KubeconfigCommand.class, StorageCommand.class})
public final class Kube4jCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new Kube4jCommand()).execute(args);
        if (code != 0 || args.length == 0 || !java.util.Set.of("server", "agent", "controller-manager", "scheduler").contains(args[0])) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Prints the Kubernetes version kube4j is compatible with. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"kube4j " + io.kube4j.apiserver.server.ApiServer.GIT_VERSION};
        }
    }
}
