package io.kube4j.apiserver.resources;

import io.kube4j.apiserver.endpoints.Patcher;
import io.kube4j.apiserver.openapi.OpenApi;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.DefaultTableConvertor;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.registry.StrategyOptions;
import io.kube4j.apiserver.registry.VersionConverter;
import io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerV1Converter;
import io.kube4j.apiserver.resources.events.event.EventsV1Converter;
import io.kube4j.apiserver.resources.authentication.selfsubjectreview.SelfSubjectReviewStrategy;
import io.kube4j.apiserver.resources.authorization.selfsubjectaccessreview.SelfSubjectAccessReviewStrategy;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountKey;
import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens;
import io.kube4j.apiserver.resources.core.namespace.NamespaceStrategy;
import io.kube4j.storage.Storage;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The catalogue of built-in resources kube4j serves, at their v1.32 versions: one line per
 * resource with its names, scope, short names, categories, subresources, strategy and table.
 */
public final class BuiltinResources {
    private BuiltinResources() {
    }

    /** A resource waiting to be registered: its info, strategy and table. */
    public record Definition(ResourceInfo info, Strategy strategy, TableConvertor table, ResourceInfo storageInfo,
                             VersionConverter converter) {
        /** The same resource served at another version, stored as this one and converted by {@code c}. */
        Definition servedAs(ResourceInfo served, VersionConverter c) {
            return new Definition(served, strategy, table, info, c);
        }
    }

    /** Every built-in resource, in discovery order (core first, then the named groups). */
    public static List<Definition> definitions() {
        return definitions(Map.of());
    }

    /** The definitions, with {@code overrides} (keyed "group/resource") taking precedence. */
    private static List<Definition> definitions(Map<String, Strategy> overrides) {
        List<Definition> d = new ArrayList<>();
        StrategyOptions plain = StrategyOptions.plain();
        StrategyOptions specStatus = StrategyOptions.specAndStatus();
        // core/v1
        d.add(def(overrides, ResourceInfo.builder("", "v1", "configmaps", "ConfigMap").shortNames("cm").build(), plain));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "endpoints", "Endpoints").shortNames("ep").build(), plain));
        Definition coreEvents = def(overrides, ResourceInfo.builder("", "v1", "events", "Event").shortNames("ev").build(), plain);
        d.add(coreEvents);
        d.add(def(overrides, ResourceInfo.builder("", "v1", "limitranges", "LimitRange").shortNames("limits").build(), plain));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "namespaces", "Namespace").shortNames("ns").clusterScoped()
                .verbs("create", "delete", "get", "list", "patch", "update", "watch")
                .subresources("status", "finalize").build(), new NamespaceStrategy()));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "nodes", "Node").shortNames("no").clusterScoped()
                .subresources("status").build(), new StrategyOptions(true, false, Strategy.NameRule.DNS1123_SUBDOMAIN,
                o -> java.util.Map.of())));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim").shortNames("pvc")
                .subresources("status").build(), new StrategyOptions(true, false, Strategy.NameRule.DNS1123_SUBDOMAIN,
                o -> java.util.Map.of())));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "persistentvolumes", "PersistentVolume").shortNames("pv")
                .clusterScoped().subresources("status").build(), new StrategyOptions(true, false,
                Strategy.NameRule.DNS1123_SUBDOMAIN, o -> java.util.Map.of())));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "pods", "Pod").shortNames("po").categories("all")
                .subresources("status", "binding", "eviction", "log", "exec", "attach", "portforward").build(), new StrategyOptions(true, false, Strategy.NameRule.DNS1123_SUBDOMAIN,
                o -> java.util.Map.of())));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "podtemplates", "PodTemplate").build(), plain));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "replicationcontrollers", "ReplicationController").shortNames("rc")
                .categories("all").subresources("scale", "status").build(), specStatus));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "resourcequotas", "ResourceQuota").shortNames("quota")
                .subresources("status").build(), new StrategyOptions(true, false, Strategy.NameRule.DNS1123_SUBDOMAIN,
                o -> java.util.Map.of())));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "secrets", "Secret").build(), plain));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "serviceaccounts", "ServiceAccount").shortNames("sa")
                .subresources("token").build(), plain));
        d.add(def(overrides, ResourceInfo.builder("", "v1", "services", "Service").shortNames("svc").categories("all")
                .subresources("status").build(), new StrategyOptions(true, false, Strategy.NameRule.DNS1035_LABEL,
                o -> java.util.Map.of())));
        // apps/v1
        d.add(def(overrides, ResourceInfo.builder("apps", "v1", "controllerrevisions", "ControllerRevision").build(), plain));
        d.add(def(overrides, ResourceInfo.builder("apps", "v1", "daemonsets", "DaemonSet").shortNames("ds").categories("all")
                .subresources("status").build(), specStatus));
        d.add(def(overrides, ResourceInfo.builder("apps", "v1", "deployments", "Deployment").shortNames("deploy")
                .categories("all").subresources("scale", "status").build(), specStatus));
        d.add(def(overrides, ResourceInfo.builder("apps", "v1", "replicasets", "ReplicaSet").shortNames("rs").categories("all")
                .subresources("scale", "status").build(), specStatus));
        d.add(def(overrides, ResourceInfo.builder("apps", "v1", "statefulsets", "StatefulSet").shortNames("sts")
                .categories("all").subresources("scale", "status").build(), specStatus));
        // batch/v1
        d.add(def(overrides, ResourceInfo.builder("batch", "v1", "cronjobs", "CronJob").shortNames("cj").categories("all")
                .subresources("status").build(), specStatus));
        d.add(def(overrides, ResourceInfo.builder("batch", "v1", "jobs", "Job").categories("all").subresources("status").build(),
                specStatus));
        // autoscaling/v2, and autoscaling/v1 stored as v2
        Definition hpa = def(overrides, ResourceInfo.builder("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler")
                .shortNames("hpa").categories("all").subresources("status").build(), specStatus);
        d.add(hpa);
        d.add(hpa.servedAs(ResourceInfo.builder("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler")
                .shortNames("hpa").categories("all").subresources("status").build(), new HorizontalPodAutoscalerV1Converter()));
        // networking.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("networking.k8s.io", "v1", "ingressclasses", "IngressClass").clusterScoped()
                .build(), plain));
        d.add(def(overrides, ResourceInfo.builder("networking.k8s.io", "v1", "ingresses", "Ingress").shortNames("ing")
                .subresources("status").build(), specStatus));
        d.add(def(overrides, ResourceInfo.builder("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy")
                .shortNames("netpol").build(), new StrategyOptions(false, true, Strategy.NameRule.DNS1123_SUBDOMAIN,
                o -> java.util.Map.of())));
        // discovery.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice").build(), plain));
        // events.k8s.io/v1, stored as core/v1 events
        d.add(coreEvents.servedAs(ResourceInfo.builder("events.k8s.io", "v1", "events", "Event").shortNames("ev").build(),
                new EventsV1Converter()));
        // coordination.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("coordination.k8s.io", "v1", "leases", "Lease").build(), plain));
        // authentication.k8s.io/v1 and authorization.k8s.io/v1: reviews, answered and never stored
        d.add(def(overrides, ResourceInfo.builder("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview")
                .clusterScoped().verbs("create").build(), new SelfSubjectReviewStrategy()));
        d.add(def(overrides, ResourceInfo.builder("authorization.k8s.io", "v1", "selfsubjectaccessreviews",
                "SelfSubjectAccessReview").clusterScoped().verbs("create").build(), new SelfSubjectAccessReviewStrategy()));
        // rbac.authorization.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding")
                .clusterScoped().build(), plain.withNameRule(Strategy.NameRule.PATH_SEGMENT)));
        d.add(def(overrides, ResourceInfo.builder("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole")
                .clusterScoped().build(), plain.withNameRule(Strategy.NameRule.PATH_SEGMENT)));
        d.add(def(overrides, ResourceInfo.builder("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding").build(),
                plain.withNameRule(Strategy.NameRule.PATH_SEGMENT)));
        d.add(def(overrides, ResourceInfo.builder("rbac.authorization.k8s.io", "v1", "roles", "Role").build(),
                plain.withNameRule(Strategy.NameRule.PATH_SEGMENT)));
        // storage.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("storage.k8s.io", "v1", "storageclasses", "StorageClass").shortNames("sc")
                .clusterScoped().build(), plain));
        // policy/v1
        d.add(def(overrides, ResourceInfo.builder("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget").shortNames("pdb")
                .subresources("status").build(), specStatus));
        // scheduling.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass")
                .shortNames("pc").clusterScoped().build(), plain));
        // apiextensions.k8s.io/v1
        d.add(def(overrides, ResourceInfo.builder("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                "CustomResourceDefinition").shortNames("crd", "crds").clusterScoped().subresources("status").build(),
                specStatus));
        return d;
    }

    private static final java.util.Map<String, Strategy> STRATEGIES = new java.util.HashMap<>();
    private static final java.util.Map<String, TableConvertor> TABLES = new java.util.HashMap<>();

    static {
        STRATEGIES.putAll(GroupStrategies.all());
        TABLES.putAll(Tables.all());
    }

    /**
     * A definition with the strategy and table registered for {@code group/resource}, or the given
     * fallback strategy and the default table.
     */
    private static Definition def(Map<String, Strategy> overrides, ResourceInfo info, Strategy fallback) {
        String key = info.group() + "/" + info.resource();
        Strategy s = overrides.getOrDefault(key, STRATEGIES.getOrDefault(key, fallback));
        return new Definition(info, s,
                TABLES.getOrDefault(key, DefaultTableConvertor.INSTANCE), null, null);
    }

    /**
     * Creates a store for every definition and adds it to {@code registry}, with an in-memory token signer.
     *
     * @param admissionPlugins the names of the admission plugins that run ({@link AdmissionPlugins})
     */
    public static void register(Registry registry, Storage storage, CacheRouter router, Clock clock, Random random,
                                String serviceCidr, java.util.Set<String> admissionPlugins) {
        register(registry, storage, router, clock, random, serviceCidr, new ServiceAccountTokens(
                ServiceAccountKey.generateInMemory(), ServiceAccountTokens.ISSUER), admissionPlugins);
    }

    /** As above, with the signer of service-account tokens (the TokenRequest subresource). */
    public static void register(Registry registry, Storage storage, CacheRouter router, Clock clock, Random random,
                                String serviceCidr, ServiceAccountTokens tokens, java.util.Set<String> admissionPlugins) {
        List<AdmissionPlugin> admission = AdmissionPlugins.chain(admissionPlugins, registry);
        for (Definition d : definitions(CoreStrategies.all(registry, serviceCidr, clock, tokens))) {
            registry.add(new Store(d.info(), d.strategy(), storage, router, clock, admission, random, d.storageInfo(),
                    d.converter()), d.table());
        }
    }

    /** The patcher for built-in resources: JSON patch, merge patch and strategic merge patch. */
    public static Patcher patcher(OpenApi openApi) {
        return openApi.patcher();
    }
}
