package io.kube4j.apiserver.resources.coordination.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.resources.BackgroundTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Upstream's API server identity (feature APIServerIdentity, on by default): each API server keeps a Lease in
 * {@code kube-system} named {@code apiserver-<hash of its host name>}, labelled
 * {@code apiserver.kubernetes.io/identity=kube-apiserver} and {@code kubernetes.io/hostname}, held by
 * {@code <name>_<uuid>} for 3600 s and renewed every 10 s; and it deletes the identity Leases that expired (servers
 * gone for an hour) once an hour. Servers on one host share the Lease name, as upstream's do (the last renewal names
 * the holder). Clean shutdown leaves the Lease to expire, as upstream does. Started and closed by
 * ClusterBootstrap; {@link #renew} and {@link #collectGarbage} may run on any thread.
 */
public final class ApiServerIdentityLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServerIdentityLease.class);
    public static final String IDENTITY_LABEL = "apiserver.kubernetes.io/identity";
    public static final String COMPONENT = "kube-apiserver";
    static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    static final String NAMESPACE = "kube-system";
    /** Upstream's IdentityLeaseDurationSeconds, IdentityLeaseRenewIntervalPeriod and IdentityLeaseGCPeriod. */
    static final int DURATION_SECONDS = 3600;
    static final Duration RENEW_INTERVAL = Duration.ofSeconds(10);
    static final Duration GC_PERIOD = Duration.ofSeconds(3600);
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

    private final Store leases;
    private final Clock clock;
    private final String hostname;
    private final String name;
    private final String holder;
    private BackgroundTasks timer;

    public ApiServerIdentityLease(Store leases, Clock clock, String hostname) {
        this.leases = leases;
        this.clock = clock;
        this.hostname = hostname;
        this.name = name(hostname);
        this.holder = name + "_" + UUID.randomUUID();
    }

    /**
     * The Lease name of a server on {@code hostname}: {@code apiserver-} and the unpadded lower-case base32 of the
     * first 16 bytes of the SHA-256 of the host name and {@code kube-apiserver}, each prefixed by its length as two
     * big-endian bytes (upstream's identity, so a kube4j server gets the name a kube-apiserver on the host would).
     */
    public static String name(String hostname) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (String part : new String[]{hostname, COMPONENT}) {
            byte[] b = part.getBytes(StandardCharsets.UTF_8);
            data.write(b.length >> 8);
            data.write(b.length & 0xff);
            data.writeBytes(b);
        }
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(data.toByteArray());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder("apiserver-");
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < 16; i++) {
            buffer = (buffer << 8) | (hash[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    public String name() {
        return name;
    }

    public String holderIdentity() {
        return holder;
    }

    /** Renews now and collects garbage now, then renews every 10 s and collects every hour. */
    public void start() {
        try {
            renew();
            collectGarbage();
        } catch (RuntimeException e) {
            LOG.warn("API server identity lease name={}: first renewal or collection failed, retrying", name, e);
        }
        timer = new BackgroundTasks("apiserver-identity")
                .every(RENEW_INTERVAL, "renewing the API server identity lease " + name, this::renew)
                .every(GC_PERIOD, "collecting expired API server identity leases", this::collectGarbage);
    }

    /** Creates the Lease, or takes it over and renews it (whoever held it: a server on the same host). */
    public ObjectNode renew() {
        for (int attempt = 1; ; attempt++) {
            try {
                return renewOnce();
            } catch (StatusException e) {
                boolean raced = e.reason() == StatusReason.ALREADY_EXISTS || e.reason() == StatusReason.CONFLICT;
                if (!raced || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private ObjectNode renewOnce() {
        ObjectNode lease;
        try {
            lease = leases.get(NAMESPACE, name).deepCopy();
        } catch (StatusException e) {
            if (e.reason() != StatusReason.NOT_FOUND) {
                throw e;
            }
            lease = Json.object();
            lease.put("apiVersion", "coordination.k8s.io/v1");
            lease.put("kind", "Lease");
            lease.putObject("metadata").put("name", name).put("namespace", NAMESPACE);
            fill(lease);
            ObjectNode created = leases.create(NAMESPACE, lease, WriteOptions.defaults());
            LOG.info("created API server identity lease name={} holder={}", name, holder);
            return created;
        }
        fill(lease);
        return leases.update(NAMESPACE, name, lease, null, WriteOptions.defaults()).object();
    }

    private void fill(ObjectNode lease) {
        ObjectNode labels = Json.with(Json.with(lease, "metadata"), "labels");
        labels.put(IDENTITY_LABEL, COMPONENT);
        labels.put(HOSTNAME_LABEL, hostname);
        ObjectNode spec = Json.with(lease, "spec");
        spec.put("holderIdentity", holder);
        spec.put("leaseDurationSeconds", DURATION_SECONDS);
        spec.put("renewTime", Timestamps.formatMicro(clock.instant()));
    }

    /** Deletes every identity Lease whose renewal expired, unless it changed meanwhile; returns how many. */
    public int collectGarbage() {
        int n = 0;
        ListOptions identities = ListOptions.labels(LabelSelector.parse(IDENTITY_LABEL + "=" + COMPONENT));
        for (ObjectNode lease : leases.list(NAMESPACE, identities).items()) {
            if (!expired(lease, clock.instant())) {
                continue;
            }
            JsonNode meta = lease.get("metadata");
            try {
                leases.delete(NAMESPACE, Json.text(meta, "name"),
                        new DeleteOptions(null, Json.text(meta, "uid"), Json.text(meta, "resourceVersion"), null, false));
                LOG.info("deleted expired API server identity lease name={}", Json.text(meta, "name"));
                n++;
            } catch (StatusException e) {
                // renewed or deleted meanwhile
            }
        }
        return n;
    }

    /** Upstream's test: no renew time or duration, or renewed longer than its duration ago. */
    static boolean expired(ObjectNode lease, Instant now) {
        JsonNode spec = lease.path("spec");
        Instant renewed = Timestamps.parse(spec.path("renewTime").asText(null));
        if (renewed == null || !spec.path("leaseDurationSeconds").canConvertToLong()) {
            return true;
        }
        return renewed.plusSeconds(spec.path("leaseDurationSeconds").asLong()).isBefore(now);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.close();
        }
    }
}
