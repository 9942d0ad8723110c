package io.kube4j.node.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.node.network.Cidr;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The node's cluster DNS: informers on all Services and EndpointSlices feed {@link ClusterRecords}; a
 * {@link DnsServer} on the pod bridge gateway answers through {@link ClusterDnsResolver}; a reconcile loop keeps the
 * kube-dns Service, this node's slice and the Endpoints in place ({@link KubeDnsPublisher}). Started by the node
 * agent, which calls {@link #servePodNetwork} once the node has its pod CIDR and {@link #close} on shutdown.
 * Thread-safe.
 */
public final class ClusterDns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterDns.class);
    private static final Duration RESYNC = Duration.ofSeconds(30);

    private final ClusterDnsOptions options;
    private final ClusterRecords records = new ClusterRecords();
    private final KubeDnsPublisher publisher;
    private final ClusterDnsResolver resolver;
    private final Semaphore dirty = new Semaphore(0);
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private volatile String gatewayIp;
    private volatile DnsServer server;
    private volatile boolean closed;
    private Thread reconciler;

    private ClusterDns(KubernetesClient client, String nodeName, ClusterDnsOptions options, List<Cidr> clusterCidrs)
            throws IOException {
        this.options = options;
        this.publisher = new KubeDnsPublisher(client, nodeName, options.clusterDns().isEmpty()
                ? ClusterDnsOptions.DEFAULT_CLUSTER_DNS : options.clusterDns().getFirst());
        this.resolver = new ClusterDnsResolver(records, options.clusterDomain(), clusterCidrs,
                new UpstreamForwarder(upstreams(options), Duration.ofSeconds(2)));
        informers.add(client.services().inAnyNamespace().inform(handler(records::putService, records::removeService,
                s -> KubeDnsPublisher.NAMESPACE.equals(s.getMetadata().getNamespace())
                        && KubeDnsPublisher.SERVICE.equals(s.getMetadata().getName()))));
        informers.add(client.discovery().v1().endpointSlices().inAnyNamespace().inform(handler(records::putSlice,
                records::removeSlice, s -> KubeDnsPublisher.NAMESPACE.equals(s.getMetadata().getNamespace())
                        && s.getMetadata().getLabels() != null && KubeDnsPublisher.SERVICE.equals(
                        s.getMetadata().getLabels().get(KubeDnsPublisher.SERVICE_NAME_LABEL)))));
    }

    /** Starts the informers and the reconcile loop (which creates the kube-dns Service); no socket yet. */
    public static ClusterDns start(KubernetesClient client, String nodeName, ClusterDnsOptions options,
                                   List<Cidr> clusterCidrs) throws IOException {
        ClusterDns dns = new ClusterDns(client, nodeName, options, clusterCidrs);
        dns.reconciler = Thread.ofVirtual().name("kube-dns-publisher").start(dns::reconcileLoop);
        dns.dirty.release();
        return dns;
    }

    /** The resolvers names outside the cluster go to: the configured upstreams, else resolv.conf's nameservers. */
    static List<InetSocketAddress> upstreams(ClusterDnsOptions o) throws IOException {
        List<String> names = o.upstreams().isEmpty() ? ResolvConf.read(o.resolvConf()).nameservers() : o.upstreams();
        List<InetSocketAddress> out = new ArrayList<>();
        for (String n : names) {
            // Never forward to ourselves (a node whose resolv.conf names the cluster DNS would loop).
            if (!o.clusterDns().contains(n)) {
                out.add(UpstreamForwarder.parseUpstream(n));
            }
        }
        return out;
    }

    /** Binds the server on the pod CIDR's gateway (first host) and publishes this node's DNS endpoint. */
    public synchronized void servePodNetwork(String podCidr) {
        if (server != null || closed) {
            return;
        }
        gatewayIp = Cidr.parse(podCidr).host(1);
        server = new DnsServer(gatewayIp, options.port(), Duration.ofSeconds(1), resolver::answer);
        server.start();
        dirty.release();
    }

    public ClusterDnsResolver resolver() {
        return resolver;
    }

    public DnsServer server() {
        return server;
    }

    private <T extends io.fabric8.kubernetes.api.model.HasMetadata> ResourceEventHandler<T> handler(
            Consumer<T> put, Consumer<T> remove, java.util.function.Predicate<T> ours) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                put.accept(obj);
                poke(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                put.accept(newObj);
                poke(newObj);
            }

            @Override
            public void onDelete(T obj, boolean unknownFinalState) {
                remove.accept(obj);
                poke(obj);
            }

            private void poke(T obj) {
                if (ours.test(obj)) {
                    dirty.release();
                }
            }
        };
    }

    private void reconcileLoop() {
        Duration backoff = Duration.ofSeconds(1);
        while (!closed) {
            try {
                dirty.tryAcquire(RESYNC.toMillis(), TimeUnit.MILLISECONDS);
                dirty.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            try {
                publisher.ensureService();
                String gw = gatewayIp;
                if (gw != null) {
                    publisher.ensureSlice(gw);
                }
                publisher.ensureEndpoints(records.slices(KubeDnsPublisher.NAMESPACE, KubeDnsPublisher.SERVICE));
                backoff = Duration.ofSeconds(1);
            } catch (RuntimeException e) {
                LOG.warn("kube-dns publish failed, retrying in {} s: {}", backoff.toSeconds(), e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(RESYNC) > 0 ? RESYNC : backoff.multipliedBy(2);
                dirty.release();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (reconciler != null) {
            reconciler.interrupt();
        }
        informers.forEach(SharedIndexInformer::close);
        DnsServer s;
        synchronized (this) {
            s = server;
        }
        if (s != null) {
            s.close();
        }
    }
}
