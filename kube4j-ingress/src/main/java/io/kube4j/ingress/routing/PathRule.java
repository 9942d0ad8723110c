package io.kube4j.ingress.routing;

/**
 * One path of an Ingress rule. Prefix matching is element-wise on {@code /}-separated segments, as upstream
 * defines it: {@code /foo} matches {@code /foo} and {@code /foo/bar}, not {@code /foobar}; a trailing slash on the
 * rule is ignored. ImplementationSpecific is treated as Prefix.
 *
 * @param path  the rule's path, with a trailing slash removed (except for {@code /})
 * @param exact true for pathType Exact
 */
public record PathRule(String path, boolean exact, Backend backend) {
    public static PathRule of(String path, String pathType, Backend backend) {
        String p = path == null || path.isEmpty() ? "/" : path;
        boolean exact = "Exact".equals(pathType);
        if (!exact && p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return new PathRule(p, exact, backend);
    }

    public boolean matches(String requestPath) {
        if (exact) {
            return path.equals(requestPath);
        }
        if (path.equals("/")) {
            return true;
        }
        return requestPath.startsWith(path)
                && (requestPath.length() == path.length() || requestPath.charAt(path.length()) == '/');
    }
}
