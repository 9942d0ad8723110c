package io.kube4j.cri.fake;

/**
 * Normalizes image references the way containerd does before it looks images up:
 * {@code busybox} becomes {@code docker.io/library/busybox:latest}. Stateless.
 */
final class ImageNames {

    private static final String DEFAULT_DOMAIN = "docker.io";

    private ImageNames() {
    }

    static String normalize(String ref) {
        if (ref == null || ref.isEmpty()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        String name = ref;
        String digest = "";
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at);
            name = name.substring(0, at);
        }
        String tag = "";
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon);
            name = name.substring(0, colon);
        }
        int slash = name.indexOf('/');
        String first = slash < 0 ? "" : name.substring(0, slash);
        boolean hasDomain = slash >= 0
                && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        if (!hasDomain) {
            name = DEFAULT_DOMAIN + "/" + (slash < 0 ? "library/" : "") + name;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = ":latest";
        }
        return name + tag + digest;
    }

    /** The repository part: the normalized reference without tag and digest. */
    static String repository(String normalized) {
        String name = normalized;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            name = name.substring(0, colon);
        }
        return name;
    }

    static boolean hasTag(String normalized) {
        String name = normalized;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        return name.lastIndexOf(':') > name.lastIndexOf('/');
    }
}
