package io.kube4j.apiserver.resources.core.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.kubelet.KubeletLocation;
import io.kube4j.apiserver.kubelet.NodeConnectionInfo;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.validation.core.PodLogOptionsValidation;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Where a pod's log, exec, attach and port-forward requests go on its node's kubelet, with
 * upstream's checks and messages (pkg/registry/core/pod LogLocation, ExecLocation, AttachLocation,
 * PortForwardLocation). Called by the API server's pod connect proxy on a request thread;
 * stateless and thread-safe.
 */
public final class PodStreamLocations {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private final Registry registry;
    private final NodeConnectionInfo nodes;

    public PodStreamLocations(Registry registry, NodeConnectionInfo nodes) {
        this.registry = registry;
        this.nodes = nodes;
    }

    /**
     * The kubelet location of a container's log, or null when the pod is not bound to a node yet
     * (upstream then answers an empty log). 422 for invalid options, 404 for a missing pod, 400 for
     * a missing or unknown container.
     */
    public KubeletLocation logLocation(String namespace, String name, PodLogOptions opts) {
        var errs = PodLogOptionsValidation.validate(opts);
        if (!errs.isEmpty()) {
            throw StatusException.invalid("", "PodLogOptions", name, errs);
        }
        ObjectNode pod = pod(namespace, name);
        String container = validateContainer(opts.container(), pod);
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            return null;
        }
        NodeConnectionInfo.Endpoint kubelet = nodes.endpoint(nodeName);
        // upstream encodes the query with its keys sorted
        Map<String, List<String>> q = new TreeMap<>();
        if (opts.follow()) {
            q.put("follow", List.of("true"));
        }
        if (opts.previous()) {
            q.put("previous", List.of("true"));
        }
        if (opts.timestamps()) {
            q.put("timestamps", List.of("true"));
        }
        if (opts.sinceSeconds() != null) {
            q.put("sinceSeconds", List.of(Long.toString(opts.sinceSeconds())));
        }
        if (opts.sinceTime() != null) {
            q.put("sinceTime", List.of(RFC3339.format(opts.sinceTime())));
        }
        if (opts.tailLines() != null) {
            q.put("tailLines", List.of(Long.toString(opts.tailLines())));
        }
        if (opts.limitBytes() != null) {
            q.put("limitBytes", List.of(Long.toString(opts.limitBytes())));
        }
        return new KubeletLocation(kubelet.host(), kubelet.port(),
                "/containerLogs/" + namespace + "/" + name + "/" + container, encode(q));
    }

    /** {@code pods/NAME/exec}: the query carries {@code container}, {@code command} (repeated), stdin, stdout, stderr, tty. */
    public KubeletLocation execLocation(String namespace, String name, Function<String, List<String>> query) {
        Map<String, List<String>> q = streamFlags(query);
        List<String> command = query.apply("command");
        if (command != null && !command.isEmpty()) {
            q.put("command", List.copyOf(command));
        }
        return streamLocation(namespace, name, PodLogOptions.first(query, "container"), "exec", q);
    }

    /** {@code pods/NAME/attach}: the query carries {@code container}, stdin, stdout, stderr, tty. */
    public KubeletLocation attachLocation(String namespace, String name, Function<String, List<String>> query) {
        return streamLocation(namespace, name, PodLogOptions.first(query, "container"), "attach", streamFlags(query));
    }

    /** {@code pods/NAME/portforward}: the query may carry {@code ports} (repeated). */
    public KubeletLocation portForwardLocation(String namespace, String name, Function<String, List<String>> query) {
        List<String> ports = query.apply("ports");
        List<String> numbers = new ArrayList<>();
        if (ports != null) {
            for (String p : ports) {
                // upstream decodes each value as an int32
                try {
                    numbers.add(Integer.toString(Integer.parseInt(p)));
                } catch (NumberFormatException e) {
                    throw StatusException.badRequest("strconv.ParseInt: parsing \"" + p + "\": invalid syntax");
                }
            }
        }
        ObjectNode pod = pod(namespace, name);
        NodeConnectionInfo.Endpoint kubelet = kubeletOf(pod, name);
        Map<String, List<String>> q = new TreeMap<>();
        if (!numbers.isEmpty()) {
            q.put("port", List.of(String.join(",", numbers)));
        }
        return new KubeletLocation(kubelet.host(), kubelet.port(), "/portForward/" + namespace + "/" + name, encode(q));
    }

    private KubeletLocation streamLocation(String namespace, String name, String container, String path,
                                           Map<String, List<String>> q) {
        ObjectNode pod = pod(namespace, name);
        String c = validateContainer(container, pod);
        NodeConnectionInfo.Endpoint kubelet = kubeletOf(pod, name);
        return new KubeletLocation(kubelet.host(), kubelet.port(), "/" + path + "/" + namespace + "/" + name + "/" + c,
                encode(q));
    }

    /** The kubelet's names for the stream flags (upstream's ExecStdinParam and friends), each "1" when set. */
    private static Map<String, List<String>> streamFlags(Function<String, List<String>> query) {
        Map<String, List<String>> q = new TreeMap<>();
        if (PodLogOptions.bool(query, "stdin")) {
            q.put("input", List.of("1"));
        }
        if (PodLogOptions.bool(query, "stdout")) {
            q.put("output", List.of("1"));
        }
        if (PodLogOptions.bool(query, "stderr")) {
            q.put("error", List.of("1"));
        }
        if (PodLogOptions.bool(query, "tty")) {
            q.put("tty", List.of("1"));
        }
        return q;
    }

    private NodeConnectionInfo.Endpoint kubeletOf(ObjectNode pod, String name) {
        String nodeName = pod.path("spec").path("nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw StatusException.badRequest("pod " + name + " does not have a host assigned");
        }
        return nodes.endpoint(nodeName);
    }

    private ObjectNode pod(String namespace, String name) {
        return registry.store("", "pods").get(namespace, name);
    }

    /**
     * The container a request addresses: the named one, which must exist in the pod (init and
     * ephemeral containers included), or the only one.
     */
    static String validateContainer(String container, JsonNode pod) {
        String name = pod.path("metadata").path("name").asText();
        JsonNode spec = pod.path("spec");
        if (container == null || container.isEmpty()) {
            JsonNode containers = spec.path("containers");
            if (containers.size() == 1) {
                return containers.get(0).path("name").asText();
            }
            if (containers.isEmpty()) {
                throw StatusException.badRequest("a container name must be specified for pod " + name);
            }
            // upstream lists every container with Go's %v of a []string
            throw StatusException.badRequest("a container name must be specified for pod " + name
                    + ", choose one of: [" + String.join(" ", allContainerNames(spec)) + "]");
        }
        if (!allContainerNames(spec).contains(container)) {
            throw StatusException.badRequest("container " + container + " is not valid for pod " + name);
        }
        return container;
    }

    private static List<String> allContainerNames(JsonNode spec) {
        List<String> names = new ArrayList<>();
        for (String field : List.of("initContainers", "containers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(field)) {
                names.add(c.path("name").asText());
            }
        }
        return names;
    }

    private static String encode(Map<String, List<String>> q) {
        StringBuilder s = new StringBuilder();
        q.forEach((k, values) -> {
            for (String v : values) {
                if (!s.isEmpty()) {
                    s.append('&');
                }
                s.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return s.toString();
    }
}
