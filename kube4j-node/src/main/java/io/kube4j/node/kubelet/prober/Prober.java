package io.kube4j.node.kubelet.prober;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.kube4j.node.kubelet.runtime.PodRuntime;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;

/**
 * Runs one probe once: HTTP GET, TCP connect or exec in the container, with upstream's success rules (HTTP 200–399,
 * a connection, exit code 0) and failure messages. Called by {@link ProbeWorker}s; thread-safe.
 */
public final class Prober {
    /** One probe's outcome; {@code output} is what the Unhealthy event shows. */
    public record Result(boolean success, String output) {
    }

    private final PodRuntime runtime;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    public Prober(PodRuntime runtime) {
        this.runtime = runtime;
    }

    public Result probe(Probe probe, Container container, String containerId, String podIp) {
        Duration timeout = Duration.ofSeconds(probe.getTimeoutSeconds() == null ? 1 : probe.getTimeoutSeconds());
        if (probe.getExec() != null) {
            List<String> cmd = probe.getExec().getCommand();
            PodRuntime.ExecResult r = runtime.execSync(containerId, cmd, timeout);
            if (r.timedOut()) {
                return new Result(false, "command " + goQuote(String.join(" ", cmd)) + " timed out");
            }
            return new Result(r.exitCode() == 0, r.output());
        }
        if (probe.getHttpGet() != null) {
            var get = probe.getHttpGet();
            String host = get.getHost() == null || get.getHost().isEmpty() ? podIp : get.getHost();
            int port = port(get.getPort(), container);
            String scheme = get.getScheme() == null ? "http" : get.getScheme().toLowerCase();
            String path = get.getPath() == null || get.getPath().isEmpty() ? "/" : get.getPath();
            if (!path.startsWith("/")) {
                path = "/" + path;
            }
            String url = scheme + "://" + hostPort(host, port) + path;
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
                    .header("User-Agent", "kube-probe/1.32").header("Accept", "*/*");
            if (get.getHttpHeaders() != null) {
                for (HTTPHeader h : get.getHttpHeaders()) {
                    req.setHeader(h.getName(), h.getValue());
                }
            }
            try {
                HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                int code = resp.statusCode();
                if (code >= 200 && code < 400) {
                    return new Result(true, "");
                }
                return new Result(false, "HTTP probe failed with statuscode: " + code);
            } catch (HttpTimeoutException e) {
                return new Result(false, "Get " + goQuote(url) + ": context deadline exceeded (Client.Timeout exceeded "
                        + "while awaiting headers)");
            } catch (IOException e) {
                return new Result(false, "Get " + goQuote(url) + ": " + dialError(host, port, e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted");
            }
        }
        if (probe.getTcpSocket() != null) {
            var tcp = probe.getTcpSocket();
            String host = tcp.getHost() == null || tcp.getHost().isEmpty() ? podIp : tcp.getHost();
            int port = port(tcp.getPort(), container);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                return new Result(true, "");
            } catch (IOException e) {
                return new Result(false, dialError(host, port, e));
            }
        }
        return new Result(false, "probe has no handler (gRPC probes are not supported)");
    }

    private static String dialError(String host, int port, IOException e) {
        String cause = e instanceof ConnectException || (e.getMessage() != null && e.getMessage().contains("refused"))
                ? "connect: connection refused"
                : e instanceof SocketTimeoutException ? "i/o timeout" : String.valueOf(e.getMessage());
        return "dial tcp " + hostPort(host, port) + ": " + cause;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A probe's port: a number, or the name of one of the container's ports. */
    static int port(IntOrString port, Container container) {
        if (port == null) {
            return 0;
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (container.getPorts() != null) {
            for (ContainerPort p : container.getPorts()) {
                if (name.equals(p.getName())) {
                    return p.getContainerPort();
                }
            }
        }
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
