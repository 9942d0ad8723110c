package io.kube4j.node.kubelet.prober;

/** The three probes a container may have; the names are the ones events and messages use. */
public enum ProbeType {
    LIVENESS("Liveness"), READINESS("Readiness"), STARTUP("Startup");

    private final String title;

    ProbeType(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
