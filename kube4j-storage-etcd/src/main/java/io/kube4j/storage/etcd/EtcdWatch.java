package io.kube4j.storage.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.WatchCreateRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import io.kube4j.storage.WatchListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One {@link io.kube4j.storage.Storage#watch} over an etcd watch stream. When the stream breaks (a member
 * goes away, the connection drops) it opens a new one from the revision after the last event it delivered,
 * so the listener sees no gap and no repeat; if that history has been compacted meanwhile, the watch ends
 * and a {@link WatchListener} hears why. Created by {@link EtcdStorage}; events arrive on gRPC's threads,
 * one stream's in order. Thread-safe.
 */
final class EtcdWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final WatchGrpc.WatchStub stub;
    private final EtcdKeyLayout layout;
    private final String kubePrefix;
    private final Consumer<WatchEvent> listener;
    private final ScheduledExecutorService retries;
    private final Consumer<EtcdWatch> onClose;
    private final ByteString etcdFrom;
    private final ByteString etcdEnd;
    private final boolean filter;
    private volatile long lastRevision;
    private volatile boolean closed;
    private long backoffMillis = 100;
    /** Bumped per stream, so late callbacks of a replaced stream are ignored. */
    private volatile int generation;
    private ClientCallStreamObserver<WatchRequest> requests;

    EtcdWatch(WatchGrpc.WatchStub stub, EtcdKeyLayout layout, String kubePrefix, long afterRevision,
              Consumer<WatchEvent> listener, ScheduledExecutorService retries, Consumer<EtcdWatch> onClose) {
        this.stub = stub;
        this.layout = layout;
        this.kubePrefix = kubePrefix;
        this.listener = listener;
        this.retries = retries;
        this.onClose = onClose;
        this.lastRevision = afterRevision;
        String etcdPrefix = layout.toEtcdPrefix(kubePrefix);
        this.etcdFrom = ByteString.copyFromUtf8(etcdPrefix);
        this.etcdEnd = EtcdStorage.prefixEnd(etcdFrom);
        this.filter = !layout.keepsOrder(kubePrefix);
    }

    /** Opens the first stream. */
    synchronized void start() {
        open();
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        int gen = ++generation;
        ClientResponseObserver<WatchRequest, WatchResponse> observer = new ClientResponseObserver<>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<WatchRequest> stream) {
                requests = stream;
            }

            @Override
            public void onNext(WatchResponse response) {
                if (gen == generation) {
                    handle(response);
                }
            }

            @Override
            public void onError(Throwable t) {
                if (gen == generation) {
                    broken(Status.fromThrowable(t).toString());
                }
            }

            @Override
            public void onCompleted() {
                if (gen == generation) {
                    broken("stream completed by the server");
                }
            }
        };
        stub.withWaitForReady().watch(observer).onNext(WatchRequest.newBuilder()
                .setCreateRequest(WatchCreateRequest.newBuilder()
                        .setKey(etcdFrom).setRangeEnd(etcdEnd)
                        .setStartRevision(lastRevision + 1)
                        .setPrevKv(true))
                .build());
    }

    private void handle(WatchResponse response) {
        if (response.getCompactRevision() != 0) {
            terminate(StorageException.compacted(lastRevision, response.getCompactRevision()));
            return;
        }
        if (response.getCanceled()) {
            broken("canceled by the server: " + response.getCancelReason());
            return;
        }
        if (response.getCreated()) {
            synchronized (this) {
                backoffMillis = 100;
            }
        }
        for (Event e : response.getEventsList()) {
            if (closed) {
                return;
            }
            WatchEvent event = convert(e);
            lastRevision = event.revision();
            if (filter && !EtcdKeyLayout.covers(kubePrefix, event.kv().key())) {
                continue;
            }
            try {
                listener.accept(event);
            } catch (RuntimeException ex) {
                LOG.warn("watch listener failed prefix={} rv={} error={}", kubePrefix, event.revision(), ex.toString());
            }
        }
    }

    private WatchEvent convert(Event e) {
        io.etcd.jetcd.api.KeyValue kv = e.getKv();
        String key = layout.fromEtcd(kv.getKey().toString(StandardCharsets.UTF_8), kubePrefix);
        KeyValue prev = e.hasPrevKv() ? new KeyValue(key, e.getPrevKv().getValue().toByteArray(),
                e.getPrevKv().getCreateRevision(), e.getPrevKv().getModRevision()) : null;
        if (e.getType() == Event.EventType.DELETE) {
            // etcd's tombstone has neither value nor create revision: the contract wants the last value
            KeyValue gone = prev == null ? new KeyValue(key, new byte[0], 0, kv.getModRevision())
                    : new KeyValue(key, prev.value(), prev.createRevision(), kv.getModRevision());
            return new WatchEvent(WatchEvent.Type.DELETED, gone, prev);
        }
        KeyValue now = new KeyValue(key, kv.getValue().toByteArray(), kv.getCreateRevision(), kv.getModRevision());
        return kv.getCreateRevision() == kv.getModRevision()
                ? new WatchEvent(WatchEvent.Type.ADDED, now, null)
                : new WatchEvent(WatchEvent.Type.MODIFIED, now, prev);
    }

    /** Reopens the stream from the last delivered revision after a growing pause. */
    private synchronized void broken(String why) {
        if (closed) {
            return;
        }
        generation++;
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        LOG.info("etcd watch stream broken, resuming prefix={} fromRv={} inMillis={} cause={}",
                kubePrefix, lastRevision + 1, delay, why);
        cancelStream();
        try {
            retries.schedule(this::open, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the store is closing
        }
    }

    private void terminate(StorageException cause) {
        LOG.warn("etcd watch ended prefix={} afterRv={} cause={}", kubePrefix, lastRevision, cause.getMessage());
        close();
        if (listener instanceof WatchListener wl) {
            try {
                wl.onTerminated(cause);
            } catch (RuntimeException ex) {
                LOG.warn("watch listener failed on termination prefix={}", kubePrefix, ex);
            }
        }
    }

    private void cancelStream() {
        if (requests != null) {
            requests.cancel("watch closed", null);
            requests = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            cancelStream();
        }
        onClose.accept(this);
    }
}
