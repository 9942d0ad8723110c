package io.kube4j.apiserver.kubelet;

/**
 * Where on a kubelet a pod request goes: {@code https://HOST:PORT/PATH?QUERY}.
 *
 * @param host  the node address chosen from its status
 * @param port  the kubelet's port
 * @param path  the kubelet path, e.g. {@code /containerLogs/NS/POD/CONTAINER}
 * @param query the encoded query without {@code ?}; empty when none
 */
public record KubeletLocation(String host, int port, String path, String query) {
    /** The request target: path and query. */
    public String uri() {
        return query.isEmpty() ? path : path + "?" + query;
    }

    /** The full URL, as upstream prints it in dial errors. */
    public String url() {
        return "https://" + hostPort() + uri();
    }

    /** {@code HOST:PORT}, with brackets around an IPv6 address. */
    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
