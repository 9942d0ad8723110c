package io.kube4j.apiserver.resources.core.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The live API servers of a cluster, as records in the store the servers share: one key per server,
 * {@code /registry/core/masterleases/<ip>:<port>} (in etcd {@code /registry/masterleases/<ip>:<port>}, where
 * upstream keeps its records), renewed by its server and dead once not renewed for the TTL. Upstream keeps one etcd
 * key per IP with an etcd TTL; kube4j's stores have no TTL, so a record carries its renew time and duration and
 * {@link #list} deletes the expired ones. The port is part of the key because several kube4j servers may share one
 * host. Keys sit under {@code /registry/} so the watch caches see each write (their revision must follow the
 * store's) while no cache holds them. Thread-safe (the store is); callers: {@link ApiServerEndpointReconciler}.
 */
public final class MasterLeases {
    public static final String PREFIX = "/registry/core/masterleases/";

    /** One live API server: the address and the secure port it is reached at. */
    public record Lease(String ip, int port) {
        static final Comparator<Lease> ORDER = Comparator.comparing(Lease::ip).thenComparingInt(Lease::port);

        String key() {
            return PREFIX + ip + ":" + port;
        }
    }

    private final Storage storage;
    private final Clock clock;
    private final Duration ttl;

    public MasterLeases(Storage storage, Clock clock, Duration ttl) {
        this.storage = storage;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Creates or refreshes the record of {@code lease}, valid for the TTL from now. */
    public void renew(Lease lease) {
        byte[] value = record(lease);
        for (int attempt = 0; ; attempt++) {
            KeyValue cur = storage.get(lease.key());
            try {
                if (cur == null) {
                    storage.create(lease.key(), value);
                } else {
                    storage.update(lease.key(), cur.modRevision(), value);
                }
                return;
            } catch (StorageException e) {
                // another writer of the same key (a restarted server on the same address): read again
                boolean raced = e.code() == StorageException.Code.KEY_EXISTS
                        || e.code() == StorageException.Code.CONFLICT
                        || e.code() == StorageException.Code.KEY_NOT_FOUND;
                if (!raced || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Deletes the record of {@code lease}, if any. */
    public void remove(Lease lease) {
        try {
            storage.delete(lease.key(), 0);
        } catch (StorageException e) {
            if (e.code() != StorageException.Code.KEY_NOT_FOUND) {
                throw e;
            }
        }
    }

    /**
     * The live servers, ordered by address then port. Deletes the records that expired, each only if nobody renewed
     * it since it was read.
     */
    public List<Lease> list() {
        Instant now = clock.instant();
        List<Lease> live = new ArrayList<>();
        for (KeyValue kv : storage.list(PREFIX, null, 0, 0).items()) {
            JsonNode rec;
            try {
                rec = Json.parse(kv.value());
            } catch (RuntimeException e) {
                rec = null;
            }
            Instant renewed = rec == null ? null : Timestamps.parse(Json.text(rec, "renewTime"));
            if (renewed == null || renewed.plusSeconds(rec.path("leaseDurationSeconds").asLong()).isBefore(now)) {
                deleteExpired(kv);
                continue;
            }
            live.add(new Lease(Json.text(rec, "ip"), rec.path("port").asInt()));
        }
        live.sort(Lease.ORDER);
        return live;
    }

    private void deleteExpired(KeyValue kv) {
        try {
            storage.delete(kv.key(), kv.modRevision());
        } catch (StorageException e) {
            // renewed or deleted meanwhile: the next listing looks again
        }
    }

    private byte[] record(Lease lease) {
        ObjectNode rec = Json.object();
        rec.put("ip", lease.ip());
        rec.put("port", lease.port());
        rec.put("renewTime", Timestamps.formatMicro(clock.instant()));
        rec.put("leaseDurationSeconds", ttl.toSeconds());
        return Json.bytes(rec);
    }
}
