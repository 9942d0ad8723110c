package io.kube4j.controllers.rootcacertpublisher;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's root-ca-cert-publisher: every active namespace has ConfigMap {@value #CONFIG_MAP} whose {@code ca.crt}
 * is the cluster CA in PEM (what pods use to verify {@code https://kubernetes.default.svc}), restored when it is
 * changed or deleted. Keys are namespace names; handlers enqueue on namespace events and on changes to the
 * ConfigMap. Thread-safe as every Controller (one worker per key).
 */
public final class RootCaCertPublisher extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(RootCaCertPublisher.class);
    public static final String CONFIG_MAP = "kube-root-ca.crt";
    static final String KEY = "ca.crt";
    static final String DESCRIPTION_ANNOTATION = "kubernetes.io/description";
    static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using "
            + "internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
            + "guaranteed across distributions of Kubernetes clusters.";

    private final String caPem;
    private SharedIndexInformer<Namespace> namespaces;
    private SharedIndexInformer<ConfigMap> configMaps;

    /** @param caPem the cluster CA certificate(s) in PEM */
    public RootCaCertPublisher(ControllerContext ctx, String caPem) {
        super(ctx);
        this.caPem = Objects.requireNonNull(caPem);
    }

    @Override
    public String name() {
        return "root-ca-cert-publisher";
    }

    @Override
    protected void register() {
        namespaces = ctx.informer(Namespace.class);
        configMaps = ctx.informer(ConfigMap.class);
        enqueueOn(namespaces, ns -> ns.getMetadata().getName());
        enqueueOn(configMaps, cm -> CONFIG_MAP.equals(cm.getMetadata().getName())
                ? cm.getMetadata().getNamespace() : null);
    }

    @Override
    protected void sync(String namespace) {
        Namespace ns = namespaces.getStore().getByKey(namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null
                || (ns.getStatus() != null && "Terminating".equals(ns.getStatus().getPhase()))) {
            return;
        }
        ConfigMap have = configMaps.getStore().getByKey(namespace + "/" + CONFIG_MAP);
        try {
            if (have == null) {
                ctx.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                        .withNewMetadata().withName(CONFIG_MAP).withNamespace(namespace)
                        .addToAnnotations(DESCRIPTION_ANNOTATION, DESCRIPTION).endMetadata()
                        .addToData(KEY, caPem).build()).create();
                LOG.info("published root CA configmap={}/{}", namespace, CONFIG_MAP);
                return;
            }
            if (upToDate(have, caPem)) {
                return;
            }
            ConfigMap fixed = new ConfigMapBuilder(have).build();
            fixed.setData(new HashMap<>(Map.of(KEY, caPem)));
            fixed.setBinaryData(null);
            Map<String, String> ann = fixed.getMetadata().getAnnotations() == null ? new HashMap<>()
                    : new HashMap<>(fixed.getMetadata().getAnnotations());
            ann.put(DESCRIPTION_ANNOTATION, DESCRIPTION);
            fixed.getMetadata().setAnnotations(ann);
            ctx.client().configMaps().inNamespace(namespace).resource(fixed).update();
            LOG.info("restored root CA configmap={}/{}", namespace, CONFIG_MAP);
        } catch (KubernetesClientException e) {
            // 409: the cache is behind (retried by the queue); 403/404: the namespace is terminating or gone
            if (e.getCode() != 403 && e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Whether {@code cm} holds exactly the CA and carries the description. */
    static boolean upToDate(ConfigMap cm, String caPem) {
        Map<String, String> data = cm.getData();
        boolean dataOk = data != null && data.size() == 1 && caPem.equals(data.get(KEY))
                && (cm.getBinaryData() == null || cm.getBinaryData().isEmpty());
        Map<String, String> ann = cm.getMetadata().getAnnotations();
        return dataOk && ann != null && DESCRIPTION.equals(ann.get(DESCRIPTION_ANNOTATION));
    }
}
