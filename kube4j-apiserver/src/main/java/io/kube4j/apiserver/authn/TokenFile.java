package io.kube4j.apiserver.authn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Static bearer tokens, in upstream's token file format: one {@code token,user,uid,"group1,group2"}
 * line each. Immutable once loaded; thread-safe.
 */
public final class TokenFile {
    private final Map<String, UserInfo> tokens;

    private TokenFile(Map<String, UserInfo> tokens) {
        this.tokens = Map.copyOf(tokens);
    }

    public static TokenFile empty() {
        return new TokenFile(Map.of());
    }

    public static TokenFile load(Path file) {
        try {
            Map<String, UserInfo> m = new HashMap<>();
            for (String line : Files.readAllLines(file)) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                List<String> cols = splitCsv(line);
                if (cols.size() < 3) {
                    throw new IllegalArgumentException("token file " + file + ": need token,user,uid[,groups]: " + line);
                }
                List<String> groups = new ArrayList<>();
                if (cols.size() > 3 && !cols.get(3).isBlank()) {
                    for (String g : cols.get(3).split(",")) {
                        groups.add(g.strip());
                    }
                }
                m.put(cols.get(0), new UserInfo(cols.get(1), cols.get(2), groups));
            }
            return new TokenFile(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    public UserInfo authenticate(String token) {
        return tokens.get(token);
    }
}
