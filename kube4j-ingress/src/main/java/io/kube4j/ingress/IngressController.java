package io.kube4j.ingress;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.ingress.routing.RoutingTable;
import io.kube4j.ingress.routing.RoutingTableBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control half of the ingress controller: makes sure IngressClass {@code kube4j} exists (the default class),
 * watches Ingresses, Services, EndpointSlices, TLS Secrets and IngressClasses, and on any change rebuilds the
 * {@link RoutingTable} (changes arriving together are coalesced into one rebuild) and swaps it in atomically. It
 * also writes the node address to the {@code status.loadBalancer} of the Ingresses it serves. One loop thread
 * rebuilds; {@link #table()} is safe from any thread.
 */
public final class IngressController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressController.class);
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";
    static final String LEGACY_CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    private static final Duration COALESCE = Duration.ofMillis(20);

    private final KubernetesClient client;
    private final IngressOptions options;
    private final AtomicReference<RoutingTable> table = new AtomicReference<>(RoutingTable.EMPTY);
    private final Semaphore dirty = new Semaphore(0);
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private SharedIndexInformer<Ingress> ingresses;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<EndpointSlice> slices;
    private SharedIndexInformer<Secret> secrets;
    private SharedIndexInformer<IngressClass> classes;
    private Thread loop;
    private volatile boolean closed;

    public IngressController(KubernetesClient client, IngressOptions options) {
        this.client = client;
        this.options = options;
    }

    /** The routing table in force now. */
    public RoutingTable table() {
        return table.get();
    }

    /** Creates the IngressClass if missing, starts the informers, waits for their lists, builds the first table. */
    public IngressController start() {
        ensureIngressClass();
        classes = inform(client.network().v1().ingressClasses().runnableInformer(0));
        ingresses = inform(client.network().v1().ingresses().inAnyNamespace().runnableInformer(0));
        services = inform(client.services().inAnyNamespace().runnableInformer(0));
        slices = inform(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
        secrets = inform(client.secrets().inAnyNamespace().runnableInformer(0));
        for (SharedIndexInformer<?> i : informers) {
            i.start();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (SharedIndexInformer<?> i : informers) {
            while (!i.hasSynced()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("ingress controller informers did not sync within 60s");
                }
                sleep(20);
            }
        }
        rebuild();
        loop = Thread.ofVirtual().name("ingress-sync").start(this::run);
        return this;
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(SharedIndexInformer<T> informer) {
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                dirty.release();
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                dirty.release();
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                dirty.release();
            }
        });
        informers.add(informer);
        return informer;
    }

    private void run() {
        while (!closed) {
            try {
                if (!dirty.tryAcquire(1, TimeUnit.SECONDS)) {
                    continue;
                }
                Thread.sleep(COALESCE);
                dirty.drainPermits();
                rebuild();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("ingress sync failed: {}", e.toString());
                sleep(1000);
                dirty.release();
            }
        }
    }

    private void rebuild() {
        List<Ingress> served = ingresses.getStore().list().stream().filter(this::serves).toList();
        List<Secret> tls = secrets.getStore().list().stream()
                .filter(s -> RoutingTableBuilder.TLS_SECRET_TYPE.equals(s.getType())).toList();
        RoutingTable next = RoutingTableBuilder.build(new RoutingTableBuilder.Sources(served,
                services.getStore().list(), slices.getStore().list(), tls));
        table.set(next);
        LOG.debug("ingress routing table rebuilt ingresses={}", served.size());
        for (Ingress ing : served) {
            publishStatus(ing);
        }
    }

    /** Whether an Ingress is ours: class kube4j by name or legacy annotation, or no class while kube4j is default. */
    boolean serves(Ingress ing) {
        String cls = ing.getSpec() == null ? null : ing.getSpec().getIngressClassName();
        if (cls == null) {
            Map<String, String> ann = ing.getMetadata().getAnnotations();
            cls = ann == null ? null : ann.get(LEGACY_CLASS_ANNOTATION);
        }
        if (cls != null) {
            return cls.equals(IngressOptions.CLASS_NAME);
        }
        IngressClass ours = classes.getStore().getByKey(IngressOptions.CLASS_NAME);
        return ours != null && ours.getMetadata().getAnnotations() != null
                && "true".equals(ours.getMetadata().getAnnotations().get(DEFAULT_CLASS_ANNOTATION));
    }

    private void publishStatus(Ingress ing) {
        String ip = options.statusAddress();
        if (ip == null) {
            return;
        }
        List<IngressLoadBalancerIngress> now = ing.getStatus() == null || ing.getStatus().getLoadBalancer() == null
                ? null : ing.getStatus().getLoadBalancer().getIngress();
        if (now != null && now.size() == 1 && ip.equals(now.getFirst().getIp())
                && now.getFirst().getHostname() == null) {
            return;
        }
        try {
            client.network().v1().ingresses().inNamespace(ing.getMetadata().getNamespace())
                    .withName(ing.getMetadata().getName()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"" + ip + "\"}]}}}");
            LOG.info("ingress={}/{} address={}", ing.getMetadata().getNamespace(), ing.getMetadata().getName(), ip);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                LOG.warn("ingress={}/{} status update failed: {}", ing.getMetadata().getNamespace(),
                        ing.getMetadata().getName(), e.getMessage());
            }
        }
    }

    private void ensureIngressClass() {
        var resource = client.network().v1().ingressClasses().withName(IngressOptions.CLASS_NAME);
        if (resource.get() != null) {
            return;
        }
        try {
            client.network().v1().ingressClasses().resource(new IngressClassBuilder().withNewMetadata()
                    .withName(IngressOptions.CLASS_NAME).addToAnnotations(DEFAULT_CLASS_ANNOTATION, "true")
                    .addToLabels("app.kubernetes.io/managed-by", "kube4j").endMetadata()
                    .withNewSpec().withController(IngressOptions.CONTROLLER).endSpec().build()).create();
            LOG.info("ingressclass={} created controller={}", IngressOptions.CLASS_NAME, IngressOptions.CONTROLLER);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (loop != null) {
            loop.interrupt();
        }
        informers.forEach(i -> {
            try {
                i.close();
            } catch (RuntimeException e) {
                LOG.debug("closing informer: {}", e.toString());
            }
        });
    }
}
