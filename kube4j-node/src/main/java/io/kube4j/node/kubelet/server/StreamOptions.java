package io.kube4j.node.kubelet.server;

import java.util.List;

/**
 * Which standard streams an exec or attach uses, from the query ({@code stdin}, {@code stdout},
 * {@code stderr}, {@code tty}), normalized as upstream does: with a TTY there is no separate
 * stderr. The kubelet passes the same values to CRI Exec/Attach, and the runtime expects exactly
 * the matching streams.
 */
public record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {

    /**
     * Builds options from query values (each list holds the values of one parameter).
     *
     * @throws KubeletStatusException 400 when no stream is asked for
     */
    public static StreamOptions fromQuery(List<String> stdin, List<String> stdout, List<String> stderr, List<String> tty) {
        boolean t = truthy(tty);
        boolean in = truthy(stdin);
        boolean out = truthy(stdout);
        boolean err = truthy(stderr) && !t;
        if (!in && !out && !err) {
            throw new KubeletStatusException(400, "you must specify at least 1 of stdin, stdout, stderr");
        }
        return new StreamOptions(in, out, err, t);
    }

    // the API server sends "1"; clients that reach the kubelet directly send "true"
    private static boolean truthy(List<String> values) {
        if (values == null || values.isEmpty()) {
            return false;
        }
        String v = values.get(0);
        return v.equals("1") || v.equalsIgnoreCase("true");
    }
}
