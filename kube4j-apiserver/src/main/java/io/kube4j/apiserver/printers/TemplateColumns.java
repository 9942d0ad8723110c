package io.kube4j.apiserver.printers;

/**
 * The columns that workload tables share (containers, images, selector), with upstream's names.
 * Stateless.
 */
public final class TemplateColumns {
    private TemplateColumns() {
    }

    public static Column containers() {
        return Column.string("Containers").wide();
    }

    public static Column images() {
        return Column.string("Images").wide();
    }

    public static Column selector() {
        return Column.string("Selector").wide();
    }

    /**
     * The columns of a replicated workload (ReplicationController, ReplicaSet): Desired, Current,
     * Ready and Age; wide: containers, images, selector.
     */
    public static final java.util.List<Column> REPLICATED = java.util.List.of(Column.nameColumn(),
            Column.integer("Desired"), Column.integer("Current"), Column.integer("Ready"), Column.ageColumn(),
            containers(), images(), selector());
}
