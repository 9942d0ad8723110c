package io.kube4j.apiserver.resources.admission;

import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.Registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The admission plugins kube4j has, by upstream's names, and which of them run: upstream's
 * {@code --enable-admission-plugins} / {@code --disable-admission-plugins} resolved against the plugins that are on
 * by default (all of them, as in upstream's default set). {@code ApiServerOptions} resolves the flags;
 * {@code BuiltinResources.register} builds the chain once at start-up. Stateless; thread-safe.
 */
public final class AdmissionPlugins {
    public static final String NAMESPACE_LIFECYCLE = "NamespaceLifecycle";
    public static final String SERVICE_ACCOUNT = "ServiceAccount";
    public static final String DEFAULT_INGRESS_CLASS = "DefaultIngressClass";
    public static final String DEFAULT_STORAGE_CLASS = "DefaultStorageClass";
    public static final String STORAGE_OBJECT_IN_USE_PROTECTION = "StorageObjectInUseProtection";

    /** Every plugin in the order the chain runs them. */
    public static final List<String> ALL = List.of(NAMESPACE_LIFECYCLE, SERVICE_ACCOUNT, DEFAULT_INGRESS_CLASS,
            DEFAULT_STORAGE_CLASS, STORAGE_OBJECT_IN_USE_PROTECTION);
    /** What runs without flags. */
    public static final Set<String> DEFAULT_ENABLED = Set.copyOf(ALL);

    private AdmissionPlugins() {
    }

    /**
     * The plugins that run: the defaults plus {@code enable} minus {@code disable}. Throws
     * {@link IllegalArgumentException} with upstream's messages for unknown names and for names in both lists.
     */
    public static Set<String> resolve(List<String> enable, List<String> disable) {
        List<String> errors = new ArrayList<>();
        for (String name : enable) {
            if (!ALL.contains(name)) {
                errors.add("enable-admission-plugins plugin \"" + name + "\" is unknown");
            }
        }
        for (String name : disable) {
            if (!ALL.contains(name)) {
                errors.add("disable-admission-plugins plugin \"" + name + "\" is unknown");
            }
        }
        List<String> both = enable.stream().filter(disable::contains).distinct().toList();
        if (!both.isEmpty()) {
            errors.add("[" + String.join(" ", both) + "] in enable-admission-plugins and disable-admission-plugins "
                    + "overlapped");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.size() == 1 ? errors.getFirst()
                    : "[" + String.join(", ", errors) + "]");
        }
        Set<String> enabled = new LinkedHashSet<>(DEFAULT_ENABLED);
        enabled.addAll(enable);
        enabled.removeAll(disable);
        return Set.copyOf(enabled);
    }

    /** All plugins except the given ones (in-process test servers without the serviceaccount controller). */
    public static Set<String> without(String... names) {
        return resolve(List.of(), List.of(names));
    }

    /** The chain of the enabled plugins over {@code registry}, in {@link #ALL}'s order. */
    public static List<AdmissionPlugin> chain(Set<String> enabled, Registry registry) {
        List<AdmissionPlugin> chain = new ArrayList<>();
        for (String name : ALL) {
            if (!enabled.contains(name)) {
                continue;
            }
            chain.add(switch (name) {
                case NAMESPACE_LIFECYCLE -> new NamespaceLifecycle(registry);
                case SERVICE_ACCOUNT -> new ServiceAccountAdmission(registry, new Random());
                case DEFAULT_INGRESS_CLASS -> new DefaultIngressClass(registry);
                case DEFAULT_STORAGE_CLASS -> new DefaultStorageClass(registry);
                case STORAGE_OBJECT_IN_USE_PROTECTION -> new StorageObjectInUseProtection();
                default -> throw new IllegalStateException(name);
            });
        }
        return chain;
    }
}
