package io.kube4j.apiserver.printers;

/**
 * The wide columns that workload tables share (containers, images, selector), with upstream's
 * names and descriptions. Stateless.
 */
public final class TemplateColumns {
    private TemplateColumns() {
    }

    public static Column containers() {
        return Column.string("Containers", "The containers column.").wide();
    }

    public static Column images() {
        return Column.string("Images", "The images column.").wide();
    }

    public static Column selector(String description) {
        return Column.string("Selector", description).wide();
    }

    /** The description of a workload's selector column. */
    public static final String LABEL_SELECTOR_DOC = "The selector column.";
}
