package io.kube4j.apiserver.printers;

/**
 * The wide columns that workload tables share (containers, images, selector), with upstream's
 * names and descriptions. Stateless.
 */
public final class TemplateColumns {
    private TemplateColumns() {
    }

    public static Column containers() {
        return Column.string("Containers", "Names of each container in the template.").wide();
    }

    public static Column images() {
        return Column.string("Images", "Images referenced by each container in the template.").wide();
    }

    public static Column selector(String description) {
        return Column.string("Selector", description).wide();
    }

    /** Upstream's description of a structured {@code spec.selector} of a workload. */
    public static final String LABEL_SELECTOR_DOC = "Label query over pods that should match the replica count. "
            + "It must match the pod template's labels. More info: "
            + "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors";
}
