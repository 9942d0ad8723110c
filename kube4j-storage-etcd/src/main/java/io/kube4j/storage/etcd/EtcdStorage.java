package io.kube4j.storage.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcd.jetcd.api.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.ListResult;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import io.kube4j.storage.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link Storage} over an etcd v3 cluster: etcd's revision is the store revision (an object's modRevision
 * is its resourceVersion), create is a transaction on createRevision == 0, update and delete are
 * transactions on the expected modRevision, lists read at a revision and page with a key range, watches
 * are etcd watches with previous values (see {@link EtcdWatch}), and compaction is etcd's. Keys are laid out
 * as upstream's (see {@link EtcdKeyLayout}).
 *
 * <p>Calls wait for a ready member and retry on an unavailable one until the request timeout, then fail
 * with UNAVAILABLE. A write whose answer was lost may have been applied: a retried create then reports
 * KEY_EXISTS and a retried update CONFLICT, as with upstream's client. Opening fails within the dial
 * timeout when no member answers. Used by the API server; thread-safe.
 */
public final class EtcdStorage implements Storage {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdStorage.class);
    private static final long RETRY_PAUSE_MILLIS = 100;

    private final EtcdOptions options;
    private final EtcdKeyLayout layout;
    private final ManagedChannel channel;
    private final KVGrpc.KVBlockingStub kv;
    private final WatchGrpc.WatchStub watchStub;
    private final ScheduledExecutorService retries;
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    /** The highest compacted revision seen: by our own compactions, by errors, or found at start. */
    private final AtomicLong compacted = new AtomicLong();
    private volatile boolean closed;

    /** Connects and reads the cluster's revision; fails with UNAVAILABLE when no member answers in time. */
    public EtcdStorage(EtcdOptions options) {
        this.options = options;
        this.layout = new EtcdKeyLayout(options.keyPrefix());
        this.channel = EtcdChannel.open(options);
        this.kv = KVGrpc.newBlockingStub(channel);
        this.watchStub = WatchGrpc.newStub(channel);
        this.retries = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("etcd-watch-retry").factory());
        try {
            long rev = call(options.dialTimeout(), stub -> stub.range(probe(0))).getHeader().getRevision();
            if (!readable(1)) {
                discoverCompacted(2);
            }
            LOG.info("etcd storage connected endpoints={} prefix={} rv={} compactedRv={}", options.endpoints(),
                    options.keyPrefix(), rev, compacted.get());
        } catch (RuntimeException e) {
            closeQuietly();
            String why = String.valueOf(e.getMessage()).startsWith("etcd: no etcd member answered")
                    ? "no member answered within " + options.dialTimeout().toMillis() + "ms" : e.getMessage();
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0,
                    "cannot reach etcd at " + endpointList() + ": " + why);
        }
    }

    private String endpointList() {
        return String.join(",", options.endpoints().stream().map(Object::toString).toList());
    }

    // ---------------------------------------------------------------- writes

    @Override
    public KeyValue create(String key, byte[] value) {
        ByteString k = etcdKey(key);
        ByteString v = ByteString.copyFrom(value);
        AtomicBoolean retried = new AtomicBoolean();
        TxnResponse r = call(options.requestTimeout(), stub -> stub.txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.CREATE)
                        .setResult(Compare.CompareResult.EQUAL).setCreateRevision(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(k).setValue(v)))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)))
                .build()), retried);
        if (!r.getSucceeded()) {
            io.etcd.jetcd.api.KeyValue found = r.getResponses(0).getResponseRange().getKvsCount() == 0 ? null
                    : r.getResponses(0).getResponseRange().getKvs(0);
            if (retried.get() && found != null && found.getValue().equals(v)
                    && found.getCreateRevision() == found.getModRevision()) {
                // an attempt whose answer got lost did write it
                return toKeyValue(key, found);
            }
            throw StorageException.keyExists(key);
        }
        long rev = r.getHeader().getRevision();
        return new KeyValue(key, value.clone(), rev, rev);
    }

    @Override
    public KeyValue update(String key, long expectedModRevision, byte[] value) {
        ByteString k = etcdKey(key);
        ByteString v = ByteString.copyFrom(value);
        AtomicBoolean retried = new AtomicBoolean();
        TxnResponse r = call(options.requestTimeout(), stub -> stub.txn(TxnRequest.newBuilder()
                .addCompare(exists(k))
                .addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.MOD)
                        .setResult(Compare.CompareResult.EQUAL).setModRevision(expectedModRevision))
                .addSuccess(RequestOp.newBuilder().setRequestPut(
                        PutRequest.newBuilder().setKey(k).setValue(v).setPrevKv(true)))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)))
                .build()), retried);
        if (!r.getSucceeded()) {
            RangeResponse now = r.getResponses(0).getResponseRange();
            if (retried.get() && now.getKvsCount() == 1 && now.getKvs(0).getValue().equals(v)
                    && now.getKvs(0).getModRevision() > expectedModRevision && now.getKvs(0).getVersion() > 1) {
                // an attempt whose answer got lost did write it
                return toKeyValue(key, now.getKvs(0));
            }
            throw failedPrecondition(key, r);
        }
        long createRevision = r.getResponses(0).getResponsePut().getPrevKv().getCreateRevision();
        return new KeyValue(key, value.clone(), createRevision, r.getHeader().getRevision());
    }

    @Override
    public KeyValue delete(String key, long expectedModRevision) {
        ByteString k = etcdKey(key);
        TxnRequest.Builder txn = TxnRequest.newBuilder().addCompare(exists(k));
        if (expectedModRevision != 0) {
            txn.addCompare(Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.MOD)
                    .setResult(Compare.CompareResult.EQUAL).setModRevision(expectedModRevision));
        }
        txn.addSuccess(RequestOp.newBuilder().setRequestDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(k).setPrevKv(true)))
                .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(k)));
        TxnResponse r = call(options.requestTimeout(), stub -> stub.txn(txn.build()));
        if (!r.getSucceeded()) {
            throw failedPrecondition(key, r);
        }
        io.etcd.jetcd.api.KeyValue prev = r.getResponses(0).getResponseDeleteRange().getPrevKvs(0);
        return new KeyValue(key, prev.getValue().toByteArray(), prev.getCreateRevision(), r.getHeader().getRevision());
    }

    private static Compare exists(ByteString k) {
        return Compare.newBuilder().setKey(k).setTarget(Compare.CompareTarget.VERSION)
                .setResult(Compare.CompareResult.GREATER).setVersion(0).build();
    }

    /** The failure branch of a conditional write read the key: absent, or at another revision. */
    private static StorageException failedPrecondition(String key, TxnResponse r) {
        RangeResponse current = r.getResponses(0).getResponseRange();
        if (current.getKvsCount() == 0) {
            return StorageException.notFound(key);
        }
        return StorageException.conflict(key, current.getKvs(0).getModRevision());
    }

    // ---------------------------------------------------------------- reads

    @Override
    public KeyValue get(String key) {
        RangeResponse r = call(options.requestTimeout(),
                stub -> stub.range(RangeRequest.newBuilder().setKey(etcdKey(key)).build()));
        return r.getKvsCount() == 0 ? null : toKeyValue(key, r.getKvs(0));
    }

    @Override
    public ListResult list(String prefix, String startAfter, int limit, long revision) {
        ByteString from = ByteString.copyFromUtf8(layout.toEtcdPrefix(prefix));
        ByteString end = prefixEnd(from);
        boolean inEtcd = layout.keepsOrder(prefix);
        if (inEtcd && startAfter != null && !startAfter.isEmpty()) {
            ByteString after = etcdKey(startAfter).concat(ByteString.copyFrom(new byte[] {0}));
            if (ByteString.unsignedLexicographicalComparator().compare(after, from) > 0) {
                from = after;
            }
        }
        RangeRequest.Builder req = RangeRequest.newBuilder().setKey(from).setRangeEnd(end);
        if (inEtcd && limit > 0) {
            req.setLimit(limit);
        }
        if (revision > 0) {
            req.setRevision(revision);
        }
        RangeResponse r;
        try {
            r = call(options.requestTimeout(), stub -> stub.range(req.build()));
        } catch (StatusRuntimeException e) {
            if (isFutureRevision(e)) {
                return list(prefix, startAfter, limit, 0);
            }
            if (isCompacted(e)) {
                throw StorageException.compacted(revision, discoverCompacted(revision + 1));
            }
            throw unavailable(e, false);
        }
        long readAt = revision > 0 ? revision : r.getHeader().getRevision();
        List<KeyValue> items = new ArrayList<>(r.getKvsCount());
        for (io.etcd.jetcd.api.KeyValue e : r.getKvsList()) {
            String key = layout.fromEtcd(e.getKey().toString(StandardCharsets.UTF_8), prefix);
            if (inEtcd || EtcdKeyLayout.covers(prefix, key)) {
                items.add(toKeyValue(key, e));
            }
        }
        if (inEtcd) {
            return new ListResult(items, readAt, r.getMore());
        }
        // a range over several resources comes back in etcd's key order, not kube4j's: page here
        items.sort(Comparator.comparing(KeyValue::key));
        List<KeyValue> page = items.stream()
                .filter(kv -> startAfter == null || kv.key().compareTo(startAfter) > 0).toList();
        boolean more = limit > 0 && page.size() > limit;
        return new ListResult(more ? page.subList(0, limit) : page, readAt, more);
    }

    @Override
    public long currentRevision() {
        return call(options.requestTimeout(), stub -> stub.range(probe(0))).getHeader().getRevision();
    }

    // ---------------------------------------------------------------- watch

    @Override
    public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> listener) {
        // etcd would start a watch at the compacted revision itself; the contract fails below it
        if (afterRevision < compacted.get() || (afterRevision > 0 && !readable(afterRevision))) {
            throw StorageException.compacted(afterRevision, discoverCompacted(afterRevision + 1));
        }
        EtcdWatch w = new EtcdWatch(watchStub, layout, prefix, afterRevision, listener, retries, watches::remove);
        watches.add(w);
        w.start();
        return w;
    }

    // ---------------------------------------------------------------- compaction

    @Override
    public void compact(long revision) {
        long target = Math.min(revision, currentRevision());
        if (target <= compacted.get()) {
            return;
        }
        try {
            call(options.requestTimeout(), stub -> stub.compact(
                    CompactionRequest.newBuilder().setRevision(target).build()));
            compacted.accumulateAndGet(target, Math::max);
        } catch (StatusRuntimeException e) {
            if (!isCompacted(e)) {
                throw unavailable(e, false);
            }
            // another API server compacted as far or further
            discoverCompacted(target);
        }
    }

    @Override
    public long compactedRevision() {
        return compacted.get();
    }

    /**
     * Finds etcd's compacted revision, known to be at least {@code atLeast}: etcd tells it to watchers only,
     * so this searches for the oldest revision a read still accepts. Rare: at start and after a compaction
     * by someone else.
     */
    private long discoverCompacted(long atLeast) {
        long lo = Math.max(atLeast, compacted.get());
        long hi = Math.max(lo, currentRevision());
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (readable(mid)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return compacted.accumulateAndGet(lo, Math::max);
    }

    /** Whether a read at {@code revision} is still possible (a future revision counts as possible). */
    private boolean readable(long revision) {
        try {
            call(options.requestTimeout(), stub -> stub.range(probe(revision)));
            return true;
        } catch (StatusRuntimeException e) {
            if (isCompacted(e)) {
                return false;
            }
            if (isFutureRevision(e)) {
                return true;
            }
            throw unavailable(e, false);
        }
    }

    /** A cheap read of one key under the prefix, at {@code revision} (0 for the latest). */
    private RangeRequest probe(long revision) {
        return RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(options.keyPrefix()))
                .setKeysOnly(true).setLimit(1).setRevision(revision).build();
    }

    // ---------------------------------------------------------------- plumbing

    private <T> T call(Duration timeout, Function<KVGrpc.KVBlockingStub, T> rpc) {
        return call(timeout, rpc, null);
    }

    /**
     * Runs one KV call, retrying while members are unavailable until {@code timeout}. One attempt gets at most a
     * third of it: a proposal a dying leader took with it never gets an answer, and a retry reaches the new
     * leader. {@code retried}, when given, is set when an attempt may have been applied without us hearing.
     * Unavailability becomes a StorageException (TIMEOUT once an attempt went unanswered); other gRPC errors (OUT_OF_RANGE for compacted or future
     * revisions) are thrown as they are, for the caller to read.
     */
    private <T> T call(Duration timeout, Function<KVGrpc.KVBlockingStub, T> rpc, AtomicBoolean retried) {
        if (closed) {
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "etcd storage is closed");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long attempt = Math.max(timeout.toNanos() / 3, TimeUnit.SECONDS.toNanos(1));
        boolean unanswered = false;
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                return rpc.apply(kv.withWaitForReady()
                        .withDeadlineAfter(Math.max(Math.min(left, attempt), 1), TimeUnit.NANOSECONDS));
            } catch (StatusRuntimeException e) {
                Status.Code code = e.getStatus().getCode();
                if (code == Status.Code.OUT_OF_RANGE) {
                    throw e;
                }
                unanswered |= code == Status.Code.DEADLINE_EXCEEDED;
                boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
                if (retryable && !closed
                        && deadline - System.nanoTime() > TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS)) {
                    // a member went away or an election is running: another member or a moment later will do
                    if (retried != null) {
                        retried.set(true);
                    }
                    sleep();
                    continue;
                }
                throw unavailable(e, unanswered);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Code.UNAVAILABLE, null, 0, "interrupted");
        }
    }

    /** TIMEOUT when some attempt went out and got no answer (it may yet be applied), else UNAVAILABLE. */
    private static StorageException unavailable(StatusRuntimeException e, boolean unanswered) {
        Status s = e.getStatus();
        String why;
        if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
            // gRPC's text here runs to a stack trace; the timeout is what matters
            why = "no etcd member answered in time";
        } else {
            String d = s.getDescription() == null ? "" : s.getDescription().lines().findFirst().orElse("");
            why = d.isEmpty() ? s.getCode().toString() : s.getCode() + ": " + d;
            if (s.getCause() != null && s.getCause().getMessage() != null) {
                why += " (" + s.getCause().getMessage().lines().findFirst().orElse("") + ")";
            }
        }
        return new StorageException(unanswered ? StorageException.Code.TIMEOUT : StorageException.Code.UNAVAILABLE,
                null, 0, "etcd: " + why);
    }

    private static boolean isCompacted(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return e.getStatus().getCode() == Status.Code.OUT_OF_RANGE && d != null && d.contains("compacted");
    }

    private static boolean isFutureRevision(StatusRuntimeException e) {
        String d = e.getStatus().getDescription();
        return e.getStatus().getCode() == Status.Code.OUT_OF_RANGE && d != null && d.contains("future revision");
    }

    private ByteString etcdKey(String key) {
        return ByteString.copyFromUtf8(layout.toEtcd(key));
    }

    private static KeyValue toKeyValue(String key, io.etcd.jetcd.api.KeyValue e) {
        return new KeyValue(key, e.getValue().toByteArray(), e.getCreateRevision(), e.getModRevision());
    }

    /** The smallest key greater than every key starting with {@code prefix}, as etcd's range end. */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return ByteString.copyFrom(new byte[] {0}); // every key
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closeQuietly();
    }

    private void closeQuietly() {
        closed = true;
        for (EtcdWatch w : List.copyOf(watches)) {
            w.close();
        }
        retries.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
