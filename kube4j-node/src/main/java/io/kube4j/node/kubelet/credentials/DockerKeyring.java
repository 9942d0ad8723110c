package io.kube4j.node.kubelet.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Registry credentials from a pod's image pull secrets ({@code kubernetes.io/dockerconfigjson} and
 * {@code kubernetes.io/dockercfg}), looked up by image the way upstream's credential keyring matches: the key's
 * host (each dot-separated part may be a glob), its port when it has one, and its path as a prefix of the image's
 * repository path. Lookup returns the most specific keys first. Immutable; built per pull by the pod syncer.
 */
public final class DockerKeyring {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOCKER_HUB = "index.docker.io";

    /** One registry login: what goes into the CRI AuthConfig. */
    public record Credentials(String username, String password, String auth, String serverAddress) {
    }

    private record Entry(String key, ParsedKey parsed, Credentials credentials) {
    }

    private record ParsedKey(String host, String port, String path) {
    }

    private final List<Entry> entries;

    private DockerKeyring(List<Entry> entries) {
        this.entries = entries;
    }

    /** The keyring of the given secrets, in order; secrets of other types and unreadable configs are skipped. */
    public static DockerKeyring of(List<Secret> secrets) {
        List<Entry> entries = new ArrayList<>();
        for (Secret s : secrets) {
            JsonNode auths = auths(s);
            if (auths == null) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ParsedKey key = parseKey(e.getKey());
                if (key != null && e.getValue().isObject()) {
                    entries.add(new Entry(e.getKey(), key, credentials(e.getKey(), e.getValue())));
                }
            }
        }
        return new DockerKeyring(List.copyOf(entries));
    }

    /** The credentials whose key matches the image, most specific key first; empty when none match. */
    public List<Credentials> lookup(String image) {
        ParsedKey target = parseImage(image);
        return entries.stream().filter(e -> matches(e.parsed(), target))
                .sorted(Comparator.comparing(Entry::key, Comparator.reverseOrder()))
                .map(Entry::credentials).toList();
    }

    private static JsonNode auths(Secret s) {
        Map<String, String> data = s.getData();
        if (data == null) {
            return null;
        }
        try {
            if ("kubernetes.io/dockerconfigjson".equals(s.getType()) && data.containsKey(".dockerconfigjson")) {
                JsonNode root = JSON.readTree(Base64.getDecoder().decode(data.get(".dockerconfigjson")));
                return root.path("auths").isObject() ? root.path("auths") : null;
            }
            if ("kubernetes.io/dockercfg".equals(s.getType()) && data.containsKey(".dockercfg")) {
                JsonNode root = JSON.readTree(Base64.getDecoder().decode(data.get(".dockercfg")));
                return root.isObject() ? root : null;
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static Credentials credentials(String server, JsonNode n) {
        String username = n.path("username").asText("");
        String password = n.path("password").asText("");
        String auth = n.path("auth").asText("");
        if (!auth.isEmpty() && username.isEmpty() && password.isEmpty()) {
            // the auth field is base64("user:password"); upstream splits it so runtimes get both forms
            try {
                String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    username = decoded.substring(0, colon);
                    password = decoded.substring(colon + 1);
                }
            } catch (IllegalArgumentException ignored) {
                // keep the raw auth; the runtime reports what it makes of it
            }
        }
        return new Credentials(username, password, auth, server);
    }

    /** A key like {@code 127.0.0.1:5000}, {@code https://reg.example/v1/}, {@code *.example.com/team}. */
    static ParsedKey parseKey(String key) {
        String k = key.contains("://") ? key : "https://" + key;
        try {
            URI uri = new URI(k);
            String host = uri.getHost() != null ? uri.getHost() : hostOf(uri.getRawAuthority());
            if (host == null || host.isEmpty()) {
                return null;
            }
            String port = uri.getPort() < 0 ? "" : Integer.toString(uri.getPort());
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            // docker's legacy keys end in /v1/ or /v2/: they name the whole registry
            if (path.equals("/v1/") || path.equals("/v2/")) {
                path = "";
            }
            host = host.toLowerCase(java.util.Locale.ROOT);
            if (host.equals("docker.io") || host.equals("registry-1.docker.io")) {
                host = DOCKER_HUB;
            }
            return new ParsedKey(host, port, trimSlashes(path));
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** Hosts with glob characters are not valid URI hosts: take the authority apart by hand. */
    private static String hostOf(String authority) {
        if (authority == null) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        return colon < 0 ? authority : authority.substring(0, colon);
    }

    /** An image reference's registry host, port and repository path; no registry part means Docker Hub. */
    static ParsedKey parseImage(String image) {
        String ref = image;
        int at = ref.indexOf('@');
        if (at >= 0) {
            ref = ref.substring(0, at);
        }
        int slash = ref.indexOf('/');
        String first = slash < 0 ? "" : ref.substring(0, slash);
        String rest;
        String hostPort;
        if (slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
            hostPort = first;
            rest = ref.substring(slash + 1);
        } else {
            hostPort = DOCKER_HUB;
            rest = slash < 0 ? "library/" + ref : ref;
        }
        int tagColon = rest.lastIndexOf(':');
        if (tagColon >= 0) {
            rest = rest.substring(0, tagColon);
        }
        int portColon = hostPort.lastIndexOf(':');
        String host = portColon < 0 ? hostPort : hostPort.substring(0, portColon);
        String port = portColon < 0 ? "" : hostPort.substring(portColon + 1);
        host = host.toLowerCase(java.util.Locale.ROOT);
        if (host.equals("docker.io") || host.equals("registry-1.docker.io")) {
            host = DOCKER_HUB;
        }
        return new ParsedKey(host, port, rest);
    }

    private static boolean matches(ParsedKey key, ParsedKey image) {
        String[] keyParts = key.host().split("\\.", -1);
        String[] imageParts = image.host().split("\\.", -1);
        if (keyParts.length != imageParts.length) {
            return false;
        }
        for (int i = 0; i < keyParts.length; i++) {
            if (!glob(keyParts[i], imageParts[i])) {
                return false;
            }
        }
        if (!key.port().equals(image.port())) {
            return false;
        }
        // a plain string prefix, as upstream matches key paths
        return image.path().startsWith(key.path());
    }

    /** Shell-style glob of one host part: {@code *} any run, {@code ?} one character. */
    private static boolean glob(String pattern, String text) {
        if (!pattern.contains("*") && !pattern.contains("?")) {
            return pattern.equals(text);
        }
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(switch (c) {
                case '*' -> "[^.]*";
                case '?' -> "[^.]";
                default -> java.util.regex.Pattern.quote(String.valueOf(c));
            });
        }
        return text.matches(re.toString());
    }

    private static String trimSlashes(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
