package io.kube4j.node.dns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a resolv.conf that matter here: nameservers, search domains (the last {@code search} or
 * {@code domain} line wins, as in glibc) and options. Read by the kubelet (dnsPolicy Default, host search domains) and
 * by {@link UpstreamForwarder} (the node's resolvers). A value; thread-safe.
 */
public record ResolvConf(List<String> nameservers, List<String> searches, List<String> options) {
    public static final Path DEFAULT_PATH = Path.of("/etc/resolv.conf");
    public static final ResolvConf EMPTY = new ResolvConf(List.of(), List.of(), List.of());

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        searches = List.copyOf(searches);
        options = List.copyOf(options);
    }

    /** Reads a file; a missing file (or a null path, as with {@code --resolv-conf=""}) gives {@link #EMPTY}. */
    public static ResolvConf read(Path path) throws IOException {
        if (path == null || path.toString().isEmpty()) {
            return EMPTY;
        }
        try {
            return parse(Files.readString(path));
        } catch (NoSuchFileException e) {
            return EMPTY;
        }
    }

    public static ResolvConf parse(String text) {
        List<String> ns = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> opts = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            int hash = indexOfComment(line);
            if (hash >= 0) {
                line = line.substring(0, hash).strip();
            }
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                continue;
            }
            switch (f[0]) {
                case "nameserver" -> ns.add(f[1]);
                case "search", "domain" -> {
                    search.clear();
                    for (int i = 1; i < f.length; i++) {
                        // a trailing dot is the same domain (upstream's kubelet strips it too)
                        search.add(f[i].endsWith(".") ? f[i].substring(0, f[i].length() - 1) : f[i]);
                    }
                }
                case "options" -> {
                    for (int i = 1; i < f.length; i++) {
                        opts.add(f[i]);
                    }
                }
                default -> {
                }
            }
        }
        return new ResolvConf(ns, search, opts);
    }

    private static int indexOfComment(String line) {
        int a = line.indexOf('#');
        int b = line.indexOf(';');
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }
}
