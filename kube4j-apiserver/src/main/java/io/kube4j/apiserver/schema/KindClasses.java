package io.kube4j.apiserver.schema;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the fabric8 model class for a group, version and kind: {@code apps/v1 Deployment} is
 * {@code io.fabric8.kubernetes.api.model.apps.Deployment}. Candidates come from the group's first
 * label (with a small table where fabric8 names the package differently), with and without the
 * version; a candidate counts only when its fabric8 {@code @Group}/{@code @Version} agree.
 * Stateless and thread-safe.
 */
public final class KindClasses {
    /** API groups whose fabric8 package is not the group's first label. */
    private static final Map<String, String> PACKAGES = Map.of(
            "rbac.authorization.k8s.io", "rbac",
            "admissionregistration.k8s.io", "admissionregistration",
            "flowcontrol.apiserver.k8s.io", "flowcontrol",
            "internal.apiserver.k8s.io", "apiserverinternal");

    private KindClasses() {
    }

    public static Optional<Class<?>> find(String group, String version, String kind) {
        for (String candidate : candidates(group, version, kind)) {
            try {
                Class<?> c = Class.forName(candidate, false, KindClasses.class.getClassLoader());
                if (matches(c, group, version)) {
                    return Optional.of(c);
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // not this package; try the next candidate
            }
        }
        return Optional.empty();
    }

    private static List<String> candidates(String group, String version, String kind) {
        List<String> out = new ArrayList<>();
        if (group.isEmpty()) {
            out.add(DefinitionNames.MODEL + "." + kind);
            return out;
        }
        String pkg = PACKAGES.getOrDefault(group, group.split("\\.")[0]);
        out.add(DefinitionNames.MODEL + "." + pkg + "." + version + "." + kind);
        out.add(DefinitionNames.MODEL + "." + pkg + "." + kind);
        return out;
    }

    /** True when the class's fabric8 group/version annotations, where present, say the same. */
    private static boolean matches(Class<?> c, String group, String version) {
        String g = annotationValue(c, "io.fabric8.kubernetes.model.annotation.Group");
        String v = annotationValue(c, "io.fabric8.kubernetes.model.annotation.Version");
        return (g == null || g.equals(group)) && (v == null || v.equals(version));
    }

    /** The {@code value()} of an annotation found by type name, or null. */
    static String annotationValue(Class<?> c, String annotationType) {
        for (Annotation a : c.getAnnotations()) {
            if (a.annotationType().getName().equals(annotationType)) {
                try {
                    return String.valueOf(a.annotationType().getMethod("value").invoke(a));
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
