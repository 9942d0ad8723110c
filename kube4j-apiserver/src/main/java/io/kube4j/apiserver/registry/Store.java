package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.errors.StatusReason;
import io.kube4j.apimachinery.fields.FieldSelector;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apimachinery.meta.Timestamps;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.registry.cache.CacheWatcher;
import io.kube4j.apiserver.registry.cache.ObjectFilter;
import io.kube4j.apiserver.registry.cache.WatchCache;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.Storage;
import io.kube4j.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The generic store: one per resource, configured with its {@link ResourceInfo} and
 * {@link Strategy}, never subclassed. Writes go to {@link Storage}; reads are served from the
 * resource's {@link WatchCache} once it has caught up with storage. Thread-safe.
 */
public final class Store {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final char[] NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

    private final ResourceInfo info;
    private final Strategy strategy;
    private final Storage storage;
    private final CacheRouter router;
    private final WatchCache cache;
    private final Clock clock;
    private final List<AdmissionPlugin> admission;
    private final String prefix;
    private final Random random;
    private final Set<String> selectableFields;
    private final ResourceInfo storageInfo;
    private final VersionConverter converter;

    public Store(ResourceInfo info, Strategy strategy, Storage storage, CacheRouter router, Clock clock,
                 List<AdmissionPlugin> admission, Random random) {
        this(info, strategy, storage, router, clock, admission, random, null, null);
    }

    /**
     * A store that serves {@code info} from objects stored as {@code storageInfo}, converting with
     * {@code converter}; {@code strategy} is the storage version's. Reads ({@link #get}, {@link #list},
     * {@link #watch}) return stored objects: callers convert with {@link #converter()} for output.
     * Writes take objects in the served version.
     */
    public Store(ResourceInfo info, Strategy strategy, Storage storage, CacheRouter router, Clock clock,
                 List<AdmissionPlugin> admission, Random random, ResourceInfo storageInfo, VersionConverter converter) {
        this.info = info;
        this.strategy = strategy;
        this.storage = storage;
        this.router = router;
        this.clock = clock;
        this.admission = admission;
        this.random = random;
        this.storageInfo = storageInfo == null ? info : storageInfo;
        this.converter = converter;
        this.prefix = "/registry/" + (this.storageInfo.group().isEmpty() ? "core" : this.storageInfo.group()) + "/"
                + this.storageInfo.resource() + "/";
        this.cache = router.register(prefix, 4096);
        Set<String> fields = new HashSet<>(Set.of("metadata.name", "metadata.namespace"));
        fields.addAll(strategy.selectableFields(Json.object()).keySet());
        this.selectableFields = Set.copyOf(fields);
    }

    public ResourceInfo info() {
        return info;
    }

    public Strategy strategy() {
        return strategy;
    }

    /** The converter from stored objects to the served version, or null when they are the same. */
    public VersionConverter converter() {
        return converter;
    }

    /** A stored object in the served version (the object itself when no conversion applies). */
    public ObjectNode served(ObjectNode stored) {
        return converter == null || stored == null ? stored : converter.fromStorage(stored);
    }

    public String key(String namespace, String name) {
        return info.namespaced() ? prefix + namespace + "/" + name : prefix + name;
    }

    private String listPrefix(String namespace) {
        return info.namespaced() && namespace != null && !namespace.isEmpty() ? prefix + namespace + "/" : prefix;
    }

    // ---------------------------------------------------------------- reads

    /** The current object; 404 when absent. The result is shared: copy it before changing it. */
    public ObjectNode get(String namespace, String name) {
        router.waitForFresh();
        ObjectNode obj = cache.get(key(namespace, name));
        if (obj == null) {
            throw notFound(name);
        }
        return obj;
    }

    /** Result of a LIST: items, the revision they reflect, and paging state. */
    public record ListResult(List<ObjectNode> items, long revision, String continueToken, Long remainingItemCount) {
    }

    public ListResult list(String namespace, ListOptions opts) {
        ObjectFilter filter = filter(namespace, opts.labelSelector(), opts.fieldSelector());
        String keyPrefix = listPrefix(namespace);
        String rv = opts.resourceVersion() == null ? "" : opts.resourceVersion();
        if (opts.continueToken() != null && !opts.continueToken().isEmpty()) {
            Continue c = Continue.decode(opts.continueToken());
            return listFromStorage(keyPrefix, c.startAfter(), opts.limit(), c.revision(), filter);
        }
        if ("Exact".equals(opts.resourceVersionMatch())) {
            long exact = parseRv(rv);
            return listFromStorage(keyPrefix, null, opts.limit(), exact, filter);
        }
        if (rv.isEmpty()) {
            router.waitForFresh();
        } else if (!rv.equals("0")) {
            router.waitFor(parseRv(rv), 3_000);
        }
        long revision = router.revision();
        if (opts.limit() <= 0) {
            return new ListResult(cache.list(keyPrefix, filter), revision, null, null);
        }
        WatchCache.Page page = cache.page(keyPrefix, null, (int) opts.limit(), filter);
        String token = page.more() ? new Continue(page.lastKey(), revision).encode() : null;
        return new ListResult(page.items(), revision, token, null);
    }

    private ListResult listFromStorage(String keyPrefix, String startAfter, long limit, long revision, ObjectFilter filter) {
        List<ObjectNode> items = new ArrayList<>();
        String after = startAfter;
        boolean more = false;
        long readAt = revision;
        try {
            while (true) {
                int batch = limit > 0 ? (int) Math.max(limit - items.size(), 1) : 0;
                io.kube4j.storage.ListResult r = storage.list(keyPrefix, after, batch, readAt);
                readAt = r.revision();
                for (KeyValue kv : r.items()) {
                    after = kv.key();
                    ObjectNode o = ObjectCodec.decode(kv);
                    if (filter.matches(o)) {
                        if (limit > 0 && items.size() == limit) {
                            more = true;
                            break;
                        }
                        items.add(o);
                    }
                }
                if (more || !r.more() || limit <= 0) {
                    more = more || (r.more() && limit > 0);
                    break;
                }
                if (items.size() >= limit) {
                    more = true;
                    break;
                }
            }
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.COMPACTED) {
                throw new StatusException(StatusReason.GONE, 410,
                        "The provided continue parameter is too old to display a consistent list result. "
                                + "You can start a new list without the continue parameter, or use the continue token "
                                + "in this response to retrieve the remainder of the results. Continuing with the "
                                + "provided token results in an inconsistent list - objects that were created, "
                                + "modified, or deleted between the time the first chunk was returned and now may "
                                + "show up in the list.", null, null, null, null, null);
            }
            throw e;
        }
        String token = more && after != null ? new Continue(after, readAt).encode() : null;
        return new ListResult(items, readAt, token, null);
    }

    /** Starts a watch; see {@link WatchCache#watch}. */
    public CacheWatcher watch(String namespace, ListOptions opts) {
        ObjectFilter filter = filter(namespace, opts.labelSelector(), opts.fieldSelector());
        String rv = opts.resourceVersion() == null ? "" : opts.resourceVersion();
        Long from;
        long current;
        if (rv.isEmpty() || rv.equals("0")) {
            if (rv.isEmpty()) {
                router.waitForFresh();
            }
            from = null;
        } else {
            from = parseRv(rv);
            router.waitFor(from, 3_000);
        }
        current = router.revision();
        String ns = info.namespaced() ? namespace : null;
        ObjectFilter scoped = ns == null || ns.isEmpty() ? filter : filter;
        return cache.watch(from, scoped, 10_000, current);
    }

    /** The resource's cache, e.g. for counting watchers. */
    public WatchCache cache() {
        return cache;
    }

    public long currentRevision() {
        return router.revision();
    }

    // ---------------------------------------------------------------- writes

    public ObjectNode create(String namespace, ObjectNode served, WriteOptions opts) {
        return createWritten(namespace, served, opts).object();
    }

    /**
     * A write's result: the object as written (with its new resourceVersion), and its JSON when the write produced
     * it for free, that is when the object was stored in the served version; null otherwise (dry run, no change,
     * conversion). The JSON equals {@link Json#bytes} of the object: an endpoint answers with it instead of
     * serializing the object again.
     */
    public record Written(ObjectNode object, byte[] json) {
    }

    /** {@link #create}, with the written object's JSON. */
    public Written createWritten(String namespace, ObjectNode served, WriteOptions opts) {
        ObjectNode obj = converter == null ? served : converter.toStorage(served);
        ObjectNode meta = Json.with(obj, "metadata");
        String ns = info.namespaced() ? namespace : null;
        checkNamespace(meta, ns);
        if (meta.hasNonNull("resourceVersion") && !meta.get("resourceVersion").asText().isEmpty()) {
            // upstream's storage rejects this with a bare 500, which clients recognise by its message
            throw StatusException.unknown("resourceVersion should not be set on objects to be created");
        }
        strategy.applyDefaults(obj);
        String name = Json.text(meta, "name");
        String generateName = Json.text(meta, "generateName");
        if ((name == null || name.isEmpty()) && generateName != null && !generateName.isEmpty()) {
            name = generateName + randomSuffix();
            meta.put("name", name);
        }
        if (ns != null) {
            meta.put("namespace", ns);
        } else {
            meta.remove("namespace");
        }
        meta.put("uid", UUID.randomUUID().toString());
        meta.put("creationTimestamp", Timestamps.format(clock.instant()));
        meta.remove("deletionTimestamp");
        meta.remove("deletionGracePeriodSeconds");
        meta.remove("managedFields");
        if (strategy.tracksGeneration()) {
            meta.put("generation", 1);
        } else {
            meta.remove("generation");
        }
        strategy.prepareForCreate(obj);
        List<FieldError> errs = new ArrayList<>(ObjectMetaValidation.validateCreate(meta, info, strategy.nameRule()));
        errs.addAll(strategy.validate(obj));
        if (!errs.isEmpty()) {
            throw StatusException.invalid(info.group(), info.kind(), name == null ? "" : name, errs);
        }
        strategy.canonicalize(obj);
        for (AdmissionPlugin a : admission) {
            a.admit(AdmissionPlugin.Operation.CREATE, info, ns, obj, null);
        }
        if (opts.dryRun()) {
            if (cache.get(key(ns, name)) != null) {
                throw StatusException.alreadyExists(info.group(), info.resource(), name);
            }
            return new Written(obj, null);
        }
        try {
            ObjectCodec.Encoded encoded = ObjectCodec.encodeForWrite(obj);
            KeyValue kv = storage.create(key(ns, name), encoded.bytes());
            meta.put("resourceVersion", Long.toString(kv.modRevision()));
            LOG.debug("created resource={} ns={} name={} rv={}", info.resource(), ns, name, kv.modRevision());
            return new Written(obj, converter == null ? encoded.withResourceVersion(kv.modRevision()) : null);
        } catch (StorageException e) {
            if (e.code() == StorageException.Code.KEY_EXISTS) {
                throw StatusException.alreadyExists(info.group(), info.resource(), name);
            }
            throw e;
        }
    }

    private void checkNamespace(ObjectNode meta, String ns) {
        String bodyNs = Json.text(meta, "namespace");
        if (ns != null && bodyNs != null && !bodyNs.isEmpty() && !bodyNs.equals(ns)) {
            throw StatusException.badRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }

    private String randomSuffix() {
        StringBuilder b = new StringBuilder();
        synchronized (random) {
            for (int i = 0; i < 5; i++) {
                b.append(NAME_CHARS[random.nextInt(NAME_CHARS.length)]);
            }
        }
        return b.toString();
    }

    /**
     * Result of an update: the stored object, whether the update created it, and the object's JSON when the write
     * produced it (see {@link Written}), else null.
     */
    public record UpdateResult(ObjectNode object, boolean created, byte[] json) {
        public UpdateResult(ObjectNode object, boolean created) {
            this(object, created, null);
        }
    }

    /**
     * Replaces an object (PUT). {@code subresource} is null for the main resource or "status".
     * The body's resourceVersion, when set, must match the stored one.
     */
    public UpdateResult update(String namespace, String name, ObjectNode served, String subresource, WriteOptions opts) {
        ObjectNode obj = converter == null ? served : converter.toStorage(served);
        ObjectNode meta = Json.with(obj, "metadata");
        String ns = info.namespaced() ? namespace : null;
        checkNamespace(meta, ns);
        String bodyName = Json.text(meta, "name");
        if (bodyName != null && !bodyName.isEmpty() && !bodyName.equals(name)) {
            throw StatusException.badRequest("the name of the object (" + bodyName
                    + ") does not match the name on the URL (" + name + ")");
        }
        meta.put("name", name);
        String rv = Json.text(meta, "resourceVersion");
        KeyValue current = storage.get(key(ns, name));
        if (current == null) {
            if (subresource == null && strategy.allowCreateOnUpdate()) {
                meta.remove("resourceVersion");
                Written w = createWritten(namespace, served, opts);
                return new UpdateResult(w.object(), true, w.json());
            }
            throw notFound(name);
        }
        if ((rv == null || rv.isEmpty()) && !strategy.allowUnconditionalUpdate()) {
            throw StatusException.invalid(info.group(), info.kind(), name, List.of(FieldError.required(
                    io.kube4j.apimachinery.validation.FieldPath.of("metadata", "resourceVersion"),
                    "must be specified for an update")));
        }
        long expected = rv == null || rv.isEmpty() ? -1 : parseRv(rv);
        // as upstream, a uid in the body of a PUT is a precondition: the object must still be the one it names
        String uid = Json.text(meta, "uid");
        Written result = storageUpdate(ns, name, subresource, opts, old -> {
            String stored = Json.text((ObjectNode) old.get("metadata"), "uid");
            if (uid != null && !uid.isEmpty() && !uid.equals(stored)) {
                throw StatusException.conflict(info.group(), info.resource(), name,
                        "Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + stored);
            }
            return obj;
        }, expected, current);
        return new UpdateResult(result.object(), false, result.json());
    }

    /**
     * Reads the object, applies {@code mutate} to a private copy, and writes the result with the
     * update rules of the resource (or of {@code subresource}), retrying on concurrent writes. Used by
     * PATCH, the status and scale subresources, and internal callers.
     *
     * @param expectedRv the resourceVersion the caller requires, or -1 for none
     */
    public ObjectNode guaranteedUpdate(String namespace, String name, String subresource, WriteOptions opts,
                                       UnaryOperator<ObjectNode> mutate, long expectedRv) {
        return guaranteedUpdateWritten(namespace, name, subresource, opts, mutate, expectedRv).object();
    }

    /** {@link #guaranteedUpdate}, with the written object's JSON. */
    public Written guaranteedUpdateWritten(String namespace, String name, String subresource, WriteOptions opts,
                                           UnaryOperator<ObjectNode> mutate, long expectedRv) {
        UnaryOperator<ObjectNode> m = converter == null ? mutate
                : old -> converter.toStorage(mutate.apply(converter.fromStorage(old)));
        return storageUpdate(namespace, name, subresource, opts, m, expectedRv, null);
    }

    /**
     * {@link #guaranteedUpdate} on objects in the storage version. {@code read}, when not null, is the stored value
     * the caller has just read, used for the first attempt instead of reading it again.
     */
    private Written storageUpdate(String namespace, String name, String subresource, WriteOptions opts,
                                     UnaryOperator<ObjectNode> mutate, long expectedRv, KeyValue read) {
        String ns = info.namespaced() ? namespace : null;
        String key = key(ns, name);
        KeyValue first = read;
        while (true) {
            KeyValue cur = first != null ? first : storage.get(key);
            first = null;
            if (cur == null) {
                throw notFound(name);
            }
            ObjectNode cached = cachedAt(key, cur.modRevision());
            // the cache's object of this very revision was decoded from the same bytes: share it (read only) rather
            // than parse them again
            ObjectNode old = cached != null ? cached : ObjectCodec.decode(cur);
            ObjectNode next = mutate.apply(old.deepCopy());
            ObjectNode meta = Json.with(next, "metadata");
            String bodyRv = Json.text(meta, "resourceVersion");
            long want = expectedRv;
            if (want < 0 && bodyRv != null && !bodyRv.isEmpty()) {
                want = parseRv(bodyRv);
            }
            if (want >= 0 && want != cur.modRevision()) {
                throw StatusException.conflict(info.group(), info.resource(), name, StatusException.MODIFIED);
            }
            prepareUpdate(next, old, subresource);
            // a subresource's rules may have replaced the whole object: validate the metadata to be written
            meta = Json.with(next, "metadata");
            List<FieldError> errs = new ArrayList<>(ObjectMetaValidation.validateUpdate(meta, (ObjectNode) old.get("metadata"), info));
            errs.addAll(subresource == null ? strategy.validateUpdate(next, old)
                    : strategy.validateSubresourceUpdate(subresource, next, old));
            if (!errs.isEmpty()) {
                throw StatusException.invalid(info.group(), info.kind(), name, errs);
            }
            strategy.canonicalize(next);
            for (AdmissionPlugin a : admission) {
                a.admit(AdmissionPlugin.Operation.UPDATE, info, ns, next, old);
            }
            boolean finalize = meta.has("deletionTimestamp") && !hasFinalizers(next) && !strategy.blocksDeletion(next);
            ObjectCodec.Encoded encoded = ObjectCodec.encodeForWrite(next);
            // nothing changed when the new bytes are the stored ones (upstream compares with the bytes it read too)
            if (java.util.Arrays.equals(encoded.bytes(), cur.value()) && !finalize) {
                return new Written(old == cached ? old.deepCopy() : old, null);
            }
            if (opts.dryRun()) {
                return new Written(next, null);
            }
            try {
                if (finalize) {
                    KeyValue gone = storage.delete(key, cur.modRevision());
                    meta.put("resourceVersion", Long.toString(gone.modRevision()));
                    return new Written(next, null);
                }
                KeyValue kv = storage.update(key, cur.modRevision(), encoded.bytes());
                meta.put("resourceVersion", Long.toString(kv.modRevision()));
                return new Written(next, converter == null ? encoded.withResourceVersion(kv.modRevision()) : null);
            } catch (StorageException e) {
                if (e.code() == StorageException.Code.CONFLICT) {
                    // lost a race: read again; a caller's resourceVersion precondition is checked against the new
                    // object (a patch that names no resourceVersion carries the one it was applied to, so it merely
                    // retries)
                    continue;
                }
                if (e.code() == StorageException.Code.KEY_NOT_FOUND) {
                    throw notFound(name);
                }
                throw e;
            }
        }
    }

    /** The watch cache's object at {@code key} when it is the one at {@code revision}, else null. Shared. */
    private ObjectNode cachedAt(String key, long revision) {
        ObjectNode c = cache.get(key);
        if (c != null && c.get("metadata") instanceof ObjectNode meta
                && meta.get("resourceVersion") instanceof com.fasterxml.jackson.databind.node.TextNode rv
                && rv.textValue().equals(Long.toString(revision))) {
            return c;
        }
        return null;
    }

    private void prepareUpdate(ObjectNode next, ObjectNode old, String subresource) {
        ObjectNode meta = Json.with(next, "metadata");
        ObjectNode oldMeta = (ObjectNode) old.get("metadata");
        // a uid the request names is checked against the stored one (immutable: a pod recreated under its name
        // refuses the old one's status); an absent or empty uid means "the current one", as upstream
        String requestUid = Json.text(meta, "uid");
        strategy.applyDefaults(next);
        if ("status".equals(subresource)) {
            // the status subresource changes only .status
            JsonNode status = next.get("status");
            ObjectNode kept = old.deepCopy();
            if (status == null) {
                kept.remove("status");
            } else {
                kept.set("status", status);
            }
            next.removeAll();
            next.setAll(kept);
            meta = (ObjectNode) next.get("metadata");
        } else if ("finalize".equals(subresource)) {
            // the finalize subresource changes only .spec.finalizers
            JsonNode fin = Json.at(next, "spec", "finalizers");
            ObjectNode kept = old.deepCopy();
            if (fin == null) {
                Json.with(kept, "spec").remove("finalizers");
            } else {
                Json.with(kept, "spec").set("finalizers", fin);
            }
            next.removeAll();
            next.setAll(kept);
            meta = (ObjectNode) next.get("metadata");
        } else if (strategy.hasStatusSubresource() && subresource == null) {
            JsonNode oldStatus = old.get("status");
            if (oldStatus == null) {
                next.remove("status");
            } else {
                next.set("status", oldStatus.deepCopy());
            }
        }
        meta.put("resourceVersion", oldMeta.path("resourceVersion").asText());
        if (requestUid == null || requestUid.isEmpty()) {
            copyIfPresent(oldMeta, meta, "uid");
        } else {
            meta.put("uid", requestUid);
        }
        copyIfPresent(oldMeta, meta, "creationTimestamp");
        copyIfPresent(oldMeta, meta, "deletionTimestamp");
        copyIfPresent(oldMeta, meta, "deletionGracePeriodSeconds");
        if (!oldMeta.has("deletionTimestamp")) {
            meta.remove("deletionTimestamp");
            meta.remove("deletionGracePeriodSeconds");
        }
        meta.remove("managedFields");
        if (strategy.tracksGeneration()) {
            long gen = oldMeta.path("generation").asLong(1);
            if ((subresource == null || "scale".equals(subresource)) && specChanged(next, old)) {
                gen++;
            }
            meta.put("generation", gen);
        } else {
            meta.remove("generation");
        }
        if (subresource == null) {
            strategy.prepareForUpdate(next, old);
        }
    }

    /** Whether anything but metadata and status differs (without copying either object). */
    static boolean specChanged(ObjectNode next, ObjectNode old) {
        int compared = 0;
        for (Map.Entry<String, JsonNode> e : next.properties()) {
            if (e.getKey().equals("metadata") || e.getKey().equals("status")) {
                continue;
            }
            if (!e.getValue().equals(old.get(e.getKey()))) {
                return true;
            }
            compared++;
        }
        int others = old.size() - (old.has("metadata") ? 1 : 0) - (old.has("status") ? 1 : 0);
        return compared != others;
    }

    private static void copyIfPresent(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field).deepCopy());
        }
    }

    private static boolean hasFinalizers(ObjectNode obj) {
        JsonNode f = Json.at(obj, "metadata", "finalizers");
        return f != null && f.isArray() && !f.isEmpty();
    }

    /** Result of a delete: the last state, and whether it is gone now or only marked for deletion. */
    public record DeleteResult(ObjectNode object, boolean deletedNow) {
    }

    public DeleteResult delete(String namespace, String name, DeleteOptions opts) {
        String ns = info.namespaced() ? namespace : null;
        String key = key(ns, name);
        while (true) {
            KeyValue cur = storage.get(key);
            if (cur == null) {
                throw notFound(name);
            }
            ObjectNode old = ObjectCodec.decode(cur);
            ObjectNode meta = (ObjectNode) old.get("metadata");
            if (opts.preconditionUid() != null && !opts.preconditionUid().equals(Json.text(meta, "uid"))) {
                throw StatusException.conflict(info.group(), info.resource(), name,
                        "Precondition failed: UID in precondition: " + opts.preconditionUid()
                                + ", UID in object meta: " + Json.text(meta, "uid"));
            }
            if (opts.preconditionResourceVersion() != null
                    && !opts.preconditionResourceVersion().equals(Json.text(meta, "resourceVersion"))) {
                throw StatusException.conflict(info.group(), info.resource(), name,
                        "Precondition failed: ResourceVersion in precondition: " + opts.preconditionResourceVersion()
                                + ", ResourceVersion in object meta: " + Json.text(meta, "resourceVersion"));
            }
            for (AdmissionPlugin a : admission) {
                a.admit(AdmissionPlugin.Operation.DELETE, info, ns, old, old);
            }
            ObjectNode marked = old.deepCopy();
            ObjectNode mmeta = (ObjectNode) marked.get("metadata");
            boolean changed = addPropagationFinalizer(mmeta, opts.propagationPolicy());
            long grace = strategy.gracePeriodSeconds(marked, opts.gracePeriodSeconds());
            boolean pending = hasFinalizers(marked) || grace > 0 || strategy.blocksDeletion(marked);
            if (pending) {
                if (!mmeta.has("deletionTimestamp")) {
                    mmeta.put("deletionTimestamp", Timestamps.format(clock.instant().plusSeconds(grace)));
                    mmeta.put("deletionGracePeriodSeconds", grace);
                    changed = true;
                } else if (grace < mmeta.path("deletionGracePeriodSeconds").asLong(Long.MAX_VALUE)) {
                    // a shorter grace period may replace a longer one, never the reverse
                    mmeta.put("deletionTimestamp", Timestamps.format(clock.instant().plusSeconds(grace)));
                    mmeta.put("deletionGracePeriodSeconds", grace);
                    changed = true;
                }
                if (!changed) {
                    return new DeleteResult(old, false);
                }
                strategy.prepareForGracefulDelete(marked);
                if (opts.dryRun()) {
                    return new DeleteResult(marked, false);
                }
                try {
                    KeyValue kv = storage.update(key, cur.modRevision(), ObjectCodec.encode(marked));
                    mmeta.put("resourceVersion", Long.toString(kv.modRevision()));
                    return new DeleteResult(marked, false);
                } catch (StorageException e) {
                    retryOnConflict(e, name);
                    continue;
                }
            }
            if (opts.dryRun()) {
                return new DeleteResult(old, true);
            }
            try {
                KeyValue gone = storage.delete(key, cur.modRevision());
                meta.put("resourceVersion", Long.toString(gone.modRevision()));
                LOG.debug("deleted resource={} ns={} name={} rv={}", info.resource(), ns, name, gone.modRevision());
                return new DeleteResult(old, true);
            } catch (StorageException e) {
                retryOnConflict(e, name);
            }
        }
    }

    /** Returns when a write lost a race (the caller retries); throws 404 or the error otherwise. */
    private void retryOnConflict(StorageException e, String name) {
        if (e.code() == StorageException.Code.KEY_NOT_FOUND) {
            throw notFound(name);
        }
        if (e.code() != StorageException.Code.CONFLICT) {
            throw e;
        }
    }

    private static boolean addPropagationFinalizer(ObjectNode meta, String policy) {
        String finalizer = switch (policy == null ? "" : policy) {
            case "Orphan" -> "orphan";
            case "Foreground" -> "foregroundDeletion";
            default -> null;
        };
        if (finalizer == null) {
            return false;
        }
        ArrayNode list = meta.has("finalizers") && meta.get("finalizers").isArray()
                ? (ArrayNode) meta.get("finalizers") : meta.putArray("finalizers");
        for (JsonNode f : list) {
            if (f.asText().equals(finalizer)) {
                return false;
            }
        }
        list.add(finalizer);
        return true;
    }

    /** Deletes every object the options select; returns the objects deleted or marked. */
    public List<ObjectNode> deleteCollection(String namespace, ListOptions listOpts, DeleteOptions opts) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode o : list(namespace, listOpts).items()) {
            ObjectNode meta = (ObjectNode) o.get("metadata");
            try {
                out.add(delete(Json.text(meta, "namespace"), Json.text(meta, "name"), opts).object());
            } catch (StatusException e) {
                if (e.reason() != StatusReason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- selectors

    /** Builds the predicate of a LIST or WATCH, rejecting unsupported field selectors with 400. */
    public ObjectFilter filter(String namespace, LabelSelector labels, FieldSelector fields) {
        fields.check(selectableFields);
        String ns = info.namespaced() && namespace != null && !namespace.isEmpty() ? namespace : null;
        if (ns == null && labels.isEmpty() && fields.isEmpty()) {
            return ObjectFilter.ALL;
        }
        return obj -> {
            JsonNode meta = obj.get("metadata");
            if (ns != null && !ns.equals(Json.text(meta, "namespace"))) {
                return false;
            }
            if (!labels.isEmpty() && !labels.matches(meta == null ? null : meta.get("labels"))) {
                return false;
            }
            if (fields.isEmpty()) {
                return true;
            }
            Map<String, String> values = new HashMap<>(strategy.selectableFields(obj));
            values.put("metadata.name", Objects.requireNonNullElse(Json.text(meta, "name"), ""));
            values.put("metadata.namespace", Objects.requireNonNullElse(Json.text(meta, "namespace"), ""));
            return fields.matches(values);
        };
    }

    private StatusException notFound(String name) {
        return StatusException.notFound(info.group(), info.resource(), name);
    }

    private static long parseRv(String rv) {
        try {
            long v = Long.parseLong(rv);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw StatusException.badRequest("invalid resource version: " + rv);
        }
    }

    /** The continue token: the last key returned and the revision of the first page, base64 JSON. */
    record Continue(String startAfter, long revision) {
        String encode() {
            ObjectNode o = Json.object();
            o.put("v", "meta.k8s.io/v1");
            o.put("rv", revision);
            o.put("start", startAfter);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(o));
        }

        static Continue decode(String token) {
            try {
                JsonNode o = Json.parse(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
                if (!"meta.k8s.io/v1".equals(o.path("v").asText()) || !o.has("start")) {
                    throw new IllegalArgumentException();
                }
                return new Continue(o.get("start").asText(), o.path("rv").asLong());
            } catch (RuntimeException e) {
                throw StatusException.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
            }
        }
    }
}
