package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.fields.FieldSelector;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.protobuf.ProtobufDecoder;
import io.kube4j.apimachinery.protobuf.ProtobufException;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheEvent;
import io.kube4j.apiserver.registry.cache.CacheWatcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Serves the resource verbs of every registered resource: get, list, watch, create, update, patch,
 * delete and deletecollection, plus the status and scale subresources. Stateless apart from its
 * collaborators; thread-safe.
 */
public final class ResourceHandler {
    /** Upstream's limit on request bodies. */
    public static final int MAX_BODY_BYTES = 3 * 1024 * 1024;
    /** How many queued watch events one write may carry. */
    private static final int MAX_EVENTS_PER_WRITE = 64;
    private static final ProtobufDecoder PROTOBUF = ProtobufDecoder.builtin();

    private final Registry registry;
    private final FieldValidation fieldValidation;
    private final Patcher patcher;
    private final Clock clock;
    private final long bookmarkIntervalMillis;

    public ResourceHandler(Registry registry, FieldValidation fieldValidation, Patcher patcher, Clock clock,
                           long bookmarkIntervalMillis) {
        this.registry = registry;
        this.fieldValidation = fieldValidation;
        this.patcher = patcher;
        this.clock = clock;
        this.bookmarkIntervalMillis = bookmarkIntervalMillis;
    }

    /** Handles a parsed resource request; throws {@code StatusException} for the caller to render. */
    public void handle(RequestInfo ri, Exchange ex) {
        Registry.Entry entry = registry.find(ri.group(), ri.version(), ri.resource());
        if (entry == null) {
            throw StatusException.pathNotFound();
        }
        ResourceInfo info = entry.info();
        if (ri.subresource() != null && !info.subresources().contains(ri.subresource())) {
            throw StatusException.pathNotFound();
        }
        if (!info.namespaced() && ri.namespace() != null && !info.resource().equals("namespaces")) {
            throw StatusException.pathNotFound();
        }
        if (!info.verbs().contains(ri.verb()) && ri.subresource() == null) {
            throw StatusException.methodNotSupported(info.group(), info.resource(), ri.verb());
        }
        Store store = entry.store();
        String ns = info.namespaced() ? ri.namespace() : null;
        if (info.namespaced() && ns == null && ri.name() != null) {
            throw StatusException.pathNotFound();
        }
        if ("scale".equals(ri.subresource())) {
            ScaleSubresource.handle(ri, ex, store, this);
            return;
        }
        switch (ri.verb()) {
            case "get" -> writeObject(ex, entry, store.get(ns, ri.name()), 200, List.of());
            case "list" -> list(ex, entry, ns);
            case "watch" -> watch(ex, entry, ns, ri.name());
            case "create" -> create(ex, entry, ns, ri);
            case "update" -> update(ex, entry, ns, ri);
            case "patch" -> patch(ex, entry, ns, ri);
            case "delete" -> delete(ex, entry, ns, ri.name());
            case "deletecollection" -> deleteCollection(ex, entry, ns);
            default -> throw StatusException.methodNotSupported(info.group(), info.resource(), ri.verb());
        }
    }

    // ------------------------------------------------------------------ reads

    private void list(Exchange ex, Registry.Entry entry, String ns) {
        ListOptions opts = listOptions(ex);
        Store.ListResult r = entry.store().list(ns, opts);
        MediaTypes.Target target = MediaTypes.negotiate(ex.header("Accept"), true);
        ObjectNode meta = Json.object();
        meta.put("resourceVersion", Long.toString(r.revision()));
        if (r.continueToken() != null) {
            meta.put("continue", r.continueToken());
        }
        if (target.kind() == MediaTypes.Kind.TABLE) {
            ObjectNode table = table(entry, r.items(), target.version(), includeObject(ex), true);
            table.set("metadata", meta);
            send(ex, 200, target, table, List.of());
            return;
        }
        ObjectNode list = Json.object();
        ResourceInfo info = entry.info();
        if (target.kind() == MediaTypes.Kind.PARTIAL_METADATA_LIST) {
            list.put("kind", "PartialObjectMetadataList");
            list.put("apiVersion", "meta.k8s.io/" + target.version());
        } else {
            list.put("kind", info.listKind());
            list.put("apiVersion", info.apiVersion());
        }
        list.set("metadata", meta);
        ArrayNode items = list.putArray("items");
        for (ObjectNode o : r.items()) {
            items.add(target.kind() == MediaTypes.Kind.PARTIAL_METADATA_LIST ? partial(o, target.version())
                    : entry.store().served(o));
        }
        send(ex, 200, target, list, List.of());
    }

    ListOptions listOptions(Exchange ex) {
        String limit = ex.query("limit");
        long lim = 0;
        if (limit != null && !limit.isEmpty()) {
            try {
                lim = Long.parseLong(limit);
            } catch (NumberFormatException e) {
                throw StatusException.badRequest("limit: Invalid value: \"" + limit + "\": must be a valid integer");
            }
        }
        String timeout = ex.query("timeoutSeconds");
        long t = 0;
        if (timeout != null && !timeout.isEmpty()) {
            try {
                t = Long.parseLong(timeout);
            } catch (NumberFormatException e) {
                throw StatusException.badRequest("timeoutSeconds: Invalid value: \"" + timeout + "\": must be a valid integer");
            }
        }
        String rvMatch = ex.query("resourceVersionMatch");
        String rv = ex.query("resourceVersion");
        if (rvMatch != null && !rvMatch.isEmpty()) {
            if (!rvMatch.equals("NotOlderThan") && !rvMatch.equals("Exact")) {
                throw StatusException.badRequest("resourceVersionMatch: Unsupported value: \"" + rvMatch
                        + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
            }
            if (rv == null || rv.isEmpty()) {
                throw StatusException.badRequest("resourceVersionMatch is forbidden unless resourceVersion is provided");
            }
        }
        return new ListOptions(LabelSelector.parse(ex.query("labelSelector")), FieldSelector.parse(ex.query("fieldSelector")),
                lim, ex.query("continue"), rv == null ? "" : rv, rvMatch == null ? "" : rvMatch,
                "true".equals(ex.query("allowWatchBookmarks")), t, "true".equals(ex.query("sendInitialEvents")));
    }

    private void watch(Exchange ex, Registry.Entry entry, String ns, String name) {
        ListOptions opts = listOptions(ex);
        if (name != null) {
            // the legacy /watch/.../NAME form watches one object
            FieldSelector byName = FieldSelector.parse("metadata.name=" + name);
            opts = new ListOptions(opts.labelSelector(), byName, 0, null, opts.resourceVersion(),
                    opts.resourceVersionMatch(), opts.allowWatchBookmarks(), opts.timeoutSeconds(), false);
        }
        MediaTypes.Target target = MediaTypes.negotiateWatch(ex.header("Accept"));
        long timeoutMillis = opts.timeoutSeconds() > 0 ? opts.timeoutSeconds() * 1000
                : (1800 + ThreadLocalRandom.current().nextLong(1800)) * 1000;
        CacheWatcher w;
        try {
            w = entry.store().watch(ns, opts);
        } catch (StatusException e) {
            if (e.code() != 410) {
                throw e;
            }
            // upstream reports an expired watch inside a successful stream
            try (Exchange.Stream s = ex.stream(200, MediaTypes.JSON, Map.of())) {
                ObjectNode ev = Json.object();
                ev.put("type", "ERROR");
                ev.set("object", e.toStatus());
                s.write(line(ev));
            }
            return;
        }
        boolean table = target.kind() == MediaTypes.Kind.TABLE;
        // metadata-only watchers (upstream's metadata informers, e.g. the garbage collector's) get each object
        // as a PartialObjectMetadata, rendered per event here rather than from the shared event lines
        boolean partial = target.kind() == MediaTypes.Kind.PARTIAL_METADATA;
        boolean firstTable = true;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        long nextBookmark = System.currentTimeMillis() + bookmarkIntervalMillis;
        long lastRv = entry.store().currentRevision();
        try (w; Exchange.Stream s = ex.stream(200, target.contentType(), Map.of())) {
            if (!s.write(new byte[0])) {
                return;
            }
            if (!table && !partial && entry.store().converter() == null) {
                // plain JSON: the connection's I/O thread writes the shared event lines as they come,
                // and this thread only waits for the end, the timeout and bookmark times
                WatchFeed feed = new WatchFeed(w, entry.info(), entry.store()::currentRevision, lastRv,
                        MAX_EVENTS_PER_WRITE);
                Exchange.Pump pump = s.pump(feed);
                if (pump != null) {
                    w.onReady(pump::wake);
                    pump.wake();
                    awaitEnd(pump, feed, deadline, opts.allowWatchBookmarks());
                    return;
                }
            }
            while (s.isOpen()) {
                long now = System.currentTimeMillis();
                if (now >= deadline) {
                    break;
                }
                CacheEvent e = w.next(Math.min(1000, Math.max(1, Math.min(deadline, nextBookmark) - now)));
                if (e == null) {
                    if (w.isClosed()) {
                        break;
                    }
                    if (opts.allowWatchBookmarks() && !table && System.currentTimeMillis() >= nextBookmark) {
                        nextBookmark = System.currentTimeMillis() + bookmarkIntervalMillis;
                        long rv = Math.max(lastRv, entry.store().currentRevision());
                        if (!s.write(partial ? partialBookmark(target.version(), rv) : bookmark(entry.info(), rv))) {
                            break;
                        }
                    }
                    continue;
                }
                // a watcher that fell behind gets what is queued in one write: fewer, larger writes
                // let it catch up instead of paying a frame and a flush per event
                List<byte[]> batch = new ArrayList<>(4);
                while (e != null) {
                    lastRv = Math.max(lastRv, e.revision());
                    if (table) {
                        ObjectNode t = table(entry, List.of(e.object()), target.version(), includeObject(ex), firstTable);
                        firstTable = false;
                        ObjectNode ev = Json.object();
                        ev.put("type", e.type().name());
                        ev.set("object", t);
                        batch.add(line(ev));
                    } else if (partial) {
                        ObjectNode ev = Json.object();
                        ev.put("type", e.type().name());
                        ev.set("object", partial(e.object(), target.version()));
                        batch.add(line(ev));
                    } else if (entry.store().converter() != null) {
                        ObjectNode ev = Json.object();
                        ev.put("type", e.type().name());
                        ev.set("object", entry.store().served(e.object()));
                        batch.add(line(ev));
                    } else {
                        // the line every JSON watcher of this change shares, written without a copy
                        batch.add(e.line());
                    }
                    if (batch.size() >= MAX_EVENTS_PER_WRITE || ex.isWebSocket()) {
                        break;
                    }
                    e = w.poll();
                }
                if (!s.write(batch)) {
                    break;
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a pumped watch ends or times out, asking for a bookmark every interval when allowed. */
    private void awaitEnd(Exchange.Pump pump, WatchFeed feed, long deadline, boolean bookmarks)
            throws InterruptedException {
        long nextBookmark = System.currentTimeMillis() + bookmarkIntervalMillis;
        long now;
        while ((now = System.currentTimeMillis()) < deadline) {
            long until = bookmarks ? Math.min(deadline, nextBookmark) : deadline;
            if (pump.awaitClosed(Math.max(1, until - now))) {
                return;
            }
            if (bookmarks && System.currentTimeMillis() >= nextBookmark) {
                nextBookmark = System.currentTimeMillis() + bookmarkIntervalMillis;
                feed.bookmarkDue();
                pump.wake();
            }
        }
    }

    static byte[] bookmark(ResourceInfo info, long rv) {
        ObjectNode ev = Json.object();
        ev.put("type", "BOOKMARK");
        ObjectNode o = ev.putObject("object");
        o.put("kind", info.kind());
        o.put("apiVersion", info.apiVersion());
        o.putObject("metadata").put("resourceVersion", Long.toString(rv));
        return line(ev);
    }

    /** A bookmark of a metadata-only watch: its object is a PartialObjectMetadata, as every other event's. */
    static byte[] partialBookmark(String version, long rv) {
        ObjectNode ev = Json.object();
        ev.put("type", "BOOKMARK");
        ObjectNode o = ev.putObject("object");
        o.put("kind", "PartialObjectMetadata");
        o.put("apiVersion", "meta.k8s.io/" + (version == null ? "v1" : version));
        o.putObject("metadata").put("resourceVersion", Long.toString(rv));
        return line(ev);
    }

    private static byte[] line(JsonNode n) {
        byte[] b = Json.bytes(n);
        byte[] out = new byte[b.length + 1];
        System.arraycopy(b, 0, out, 0, b.length);
        out[b.length] = '\n';
        return out;
    }

    // ------------------------------------------------------------------ writes

    private void create(Exchange ex, Registry.Entry entry, String ns, RequestInfo ri) {
        if (ri.name() != null && ri.subresource() == null) {
            throw StatusException.methodNotSupported(entry.info().group(), entry.info().resource(), "create");
        }
        ResourceInfo info = entry.info();
        if (ri.subresource() != null) {
            handleCreateSubresource(ex, entry, ns, ri);
            return;
        }
        ObjectNode obj = decodeBody(ex, info);
        List<String> warnings = checkFields(ex, info, obj);
        if (entry.store().strategy() instanceof ReviewCreate review) {
            // answered from the request and its caller, never stored
            send(ex, 201, MediaTypes.negotiate(ex.header("Accept"), false), review.review(obj, ex.user()), warnings);
            return;
        }
        Store.Written created = entry.store().createWritten(ns, obj, writeOptions(ex));
        warnings = concat(warnings, entry.store().strategy().warningsOnCreate(created.object()));
        writeObject(ex, entry, created.object(), created.json(), 201, warnings);
    }

    private void handleCreateSubresource(Exchange ex, Registry.Entry entry, String ns, RequestInfo ri) {
        SubresourceCreate handler = entry.store().strategy() instanceof SubresourceCreate s ? s : null;
        if (handler == null) {
            throw StatusException.methodNotSupported(entry.info().group(), entry.info().resource() + "/" + ri.subresource(), "create");
        }
        ObjectNode body = decodeRaw(ex);
        ObjectNode result = handler.createSubresource(registry, ri.subresource(), ns, ri.name(), body, writeOptions(ex));
        ex.respond(201, MediaTypes.JSON, Json.bytes(result), Map.of());
    }

    private void update(Exchange ex, Registry.Entry entry, String ns, RequestInfo ri) {
        ResourceInfo info = entry.info();
        ObjectNode obj = decodeBody(ex, info);
        List<String> warnings = checkFields(ex, info, obj);
        Store.UpdateResult r = entry.store().update(ns, ri.name(), obj, ri.subresource(), writeOptions(ex));
        warnings = concat(warnings, r.created() ? entry.store().strategy().warningsOnCreate(r.object())
                : List.of());
        writeObject(ex, entry, r.object(), r.json(), r.created() ? 201 : 200, warnings);
    }

    private void patch(Exchange ex, Registry.Entry entry, String ns, RequestInfo ri) {
        ResourceInfo info = entry.info();
        String contentType = baseType(ex.header("Content-Type"));
        JsonNode patch = parsePatch(ex.body(), contentType);
        List<String> warnings = new ArrayList<>();
        Store.Written result = entry.store().guaranteedUpdateWritten(ns, ri.name(), ri.subresource(), writeOptions(ex), current -> {
            ObjectNode patched = patcher.apply(info, contentType, current, patch);
            String apiVersion = Json.text(patched, "apiVersion");
            String kind = Json.text(patched, "kind");
            if (apiVersion != null && !apiVersion.equals(info.apiVersion())) {
                throw StatusException.badRequest("the API version in the data (" + apiVersion
                        + ") does not match the expected API version (" + info.apiVersion() + ")");
            }
            if (kind != null && !kind.equals(info.kind())) {
                throw StatusException.badRequest("the kind in the data (" + kind
                        + ") does not match the expected kind (" + info.kind() + ")");
            }
            warnings.clear();
            warnings.addAll(checkFields(ex, info, patched));
            return patched;
        }, -1);
        writeObject(ex, entry, result.object(), result.json(), 200, warnings);
    }

    private static JsonNode parsePatch(byte[] body, String contentType) {
        if (contentType == null || !(contentType.equals("application/json-patch+json")
                || contentType.equals("application/merge-patch+json")
                || contentType.equals("application/strategic-merge-patch+json")
                || contentType.equals("application/apply-patch+yaml"))) {
            throw new StatusException(io.kube4j.apimachinery.errors.StatusReason.UNSUPPORTED_MEDIA_TYPE, 415,
                    "the body of the request was in an unknown format - accepted media types include: "
                            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
                            + "application/strategic-merge-patch+json", null, null, null, null, null);
        }
        try {
            if (contentType.equals("application/apply-patch+yaml")) {
                return Json.YAML.readTree(body);
            }
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw StatusException.badRequest("error decoding patch: " + cleanMessage(e));
        }
    }

    private void delete(Exchange ex, Registry.Entry entry, String ns, String name) {
        DeleteOptions opts = deleteOptions(ex);
        Store.DeleteResult r = entry.store().delete(ns, name, opts);
        if (!r.deletedNow()) {
            writeObject(ex, entry, r.object(), 200, List.of());
            return;
        }
        if (returnsDeletedObject(entry.info())) {
            writeObject(ex, entry, r.object(), 200, List.of());
            return;
        }
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (!entry.info().group().isEmpty()) {
            details.put("group", entry.info().group());
        }
        details.put("kind", entry.info().resource());
        details.put("uid", Json.text(r.object().get("metadata"), "uid"));
        ex.respond(200, MediaTypes.JSON, Json.bytes(status), Map.of());
    }

    private static boolean returnsDeletedObject(ResourceInfo info) {
        return info.group().isEmpty() && (info.resource().equals("pods") || info.resource().equals("services")
                || info.resource().equals("namespaces") || info.resource().equals("persistentvolumeclaims")
                || info.resource().equals("persistentvolumes") || info.resource().equals("nodes"));
    }

    private void deleteCollection(Exchange ex, Registry.Entry entry, String ns) {
        ListOptions lo = listOptions(ex);
        DeleteOptions opts = deleteOptions(ex);
        List<ObjectNode> deleted = entry.store().deleteCollection(ns, lo, opts);
        ObjectNode list = Json.object();
        list.put("kind", entry.info().listKind());
        list.put("apiVersion", entry.info().apiVersion());
        list.putObject("metadata").put("resourceVersion", Long.toString(entry.store().currentRevision()));
        ArrayNode items = list.putArray("items");
        deleted.forEach(o -> items.add(entry.store().served(o)));
        ex.respond(200, MediaTypes.JSON, Json.bytes(list), Map.of());
    }

    DeleteOptions deleteOptions(Exchange ex) {
        Long grace = null;
        String propagation = ex.query("propagationPolicy");
        String uid = null;
        String rv = null;
        boolean dryRun = "All".equals(ex.query("dryRun"));
        String g = ex.query("gracePeriodSeconds");
        if (g != null && !g.isEmpty()) {
            grace = parseLong(g, "gracePeriodSeconds");
        }
        byte[] body = ex.body();
        if (body.length > 0) {
            JsonNode opts = decodeJsonOrYaml(body, ex.header("Content-Type"));
            if (opts.has("gracePeriodSeconds") && !opts.get("gracePeriodSeconds").isNull()) {
                grace = opts.get("gracePeriodSeconds").asLong();
            }
            if (opts.hasNonNull("propagationPolicy")) {
                propagation = opts.get("propagationPolicy").asText();
            }
            if (opts.has("orphanDependents") && !opts.get("orphanDependents").isNull() && propagation == null) {
                propagation = opts.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
            }
            JsonNode pre = opts.get("preconditions");
            if (pre != null && pre.isObject()) {
                uid = Json.text(pre, "uid");
                rv = Json.text(pre, "resourceVersion");
            }
            JsonNode dr = opts.get("dryRun");
            if (dr != null && dr.isArray()) {
                for (JsonNode d : dr) {
                    dryRun |= "All".equals(d.asText());
                }
            }
        }
        if (propagation != null && !List.of("Orphan", "Background", "Foreground").contains(propagation)) {
            throw StatusException.badRequest("propagationPolicy: Unsupported value: \"" + propagation
                    + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
        }
        if (grace != null && grace < 0) {
            grace = 1L;
        }
        return new DeleteOptions(grace, uid, rv, propagation, dryRun);
    }

    WriteOptions writeOptions(Exchange ex) {
        String dryRun = ex.query("dryRun");
        if (dryRun != null && !dryRun.isEmpty() && !dryRun.equals("All")) {
            throw StatusException.badRequest("dryRun: Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
        }
        String fv = ex.query("fieldValidation");
        if (fv != null && !fv.isEmpty() && !List.of("Strict", "Warn", "Ignore").contains(fv)) {
            throw StatusException.badRequest("fieldValidation: Unsupported value: \"" + fv
                    + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }
        return new WriteOptions("All".equals(dryRun), ex.query("fieldManager"));
    }

    private List<String> checkFields(Exchange ex, ResourceInfo info, ObjectNode obj) {
        String mode = ex.query("fieldValidation");
        if (mode == null || mode.isEmpty()) {
            mode = "Warn";
        }
        if (mode.equals("Ignore")) {
            // upstream's decoder drops fields the schema does not know
            fieldValidation.removeUnknownFields(info, obj);
            return List.of();
        }
        List<String> unknown = mode.equals("Strict") ? fieldValidation.unknownFields(info, obj)
                : fieldValidation.removeUnknownFields(info, obj);
        if (unknown.isEmpty()) {
            return List.of();
        }
        if (mode.equals("Strict")) {
            StringBuilder msg = new StringBuilder(info.kind() + " in version \"" + info.version()
                    + "\" cannot be handled as a " + info.kind() + ": strict decoding error: ");
            for (int i = 0; i < unknown.size(); i++) {
                if (i > 0) {
                    msg.append(", ");
                }
                msg.append("unknown field \"").append(unknown.get(i)).append("\"");
            }
            throw StatusException.badRequest(msg.toString());
        }
        List<String> w = new ArrayList<>();
        for (String u : unknown) {
            w.add("unknown field \"" + u + "\"");
        }
        return w;
    }

    // ------------------------------------------------------------------ encoding

    ObjectNode decodeBody(Exchange ex, ResourceInfo info) {
        ObjectNode obj = decodeRaw(ex);
        String apiVersion = Json.text(obj, "apiVersion");
        String kind = Json.text(obj, "kind");
        if (apiVersion == null || apiVersion.isEmpty()) {
            obj.put("apiVersion", info.apiVersion());
        } else if (!apiVersion.equals(info.apiVersion())) {
            throw StatusException.badRequest("the API version in the data (" + apiVersion
                    + ") does not match the expected API version (" + info.apiVersion() + ")");
        }
        if (kind == null || kind.isEmpty()) {
            obj.put("kind", info.kind());
        } else if (!kind.equals(info.kind())) {
            throw StatusException.badRequest("the kind in the data (" + kind + ") does not match the expected kind ("
                    + info.kind() + ")");
        }
        // keep apiVersion and kind first, as upstream encodes them
        ObjectNode ordered = Json.object();
        ordered.put("apiVersion", info.apiVersion());
        ordered.put("kind", info.kind());
        obj.remove("apiVersion");
        obj.remove("kind");
        ordered.setAll(obj);
        return ordered;
    }

    ObjectNode decodeRaw(Exchange ex) {
        byte[] body = ex.body();
        if (body.length == 0) {
            throw StatusException.badRequest("the body of the request was empty");
        }
        JsonNode n = decodeJsonOrYaml(body, ex.header("Content-Type"));
        if (!(n instanceof ObjectNode o)) {
            throw StatusException.badRequest("Object 'Kind' is missing in '" + new String(body, StandardCharsets.UTF_8).strip() + "'");
        }
        return o;
    }

    private static JsonNode decodeJsonOrYaml(byte[] body, String contentType) {
        String type = baseType(contentType);
        if (ProtobufDecoder.MEDIA_TYPE.equals(type)) {
            return decodeProtobuf(body);
        }
        try {
            if (type != null && (type.equals("application/yaml") || type.equals("application/yml") || type.equals("text/yaml"))) {
                JsonNode n = Json.YAML.readTree(body);
                return n == null ? Json.NODES.nullNode() : n;
            }
            if (type != null && !type.equals("application/json") && !type.equals("*/*") && !type.isEmpty()) {
                throw StatusException.unsupportedMediaType(type);
            }
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw StatusException.badRequest("couldn't get version/kind; json parse error: " + cleanMessage(e));
        } catch (IOException e) {
            throw StatusException.badRequest(cleanMessage(e));
        }
    }

    /** Kubernetes protobuf bodies, as client-go's typed clients (kubectl create ...) send them. */
    private static JsonNode decodeProtobuf(byte[] body) {
        try {
            return PROTOBUF.decode(body);
        } catch (ProtobufException e) {
            throw StatusException.badRequest(e.getMessage());
        }
    }

    private static String cleanMessage(IOException e) {
        if (e instanceof JsonProcessingException jp) {
            return jp.getOriginalMessage();
        }
        return e.getMessage();
    }

    static String baseType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int i = contentType.indexOf(';');
        return (i < 0 ? contentType : contentType.substring(0, i)).strip().toLowerCase();
    }

    private static long parseLong(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw StatusException.badRequest(name + ": Invalid value: \"" + v + "\": must be a valid integer");
        }
    }

    private String includeObject(Exchange ex) {
        String v = ex.query("includeObject");
        if (v == null || v.isEmpty()) {
            return "Metadata";
        }
        if (!List.of("None", "Metadata", "Object").contains(v)) {
            throw StatusException.badRequest("includeObject: Unsupported value: \"" + v
                    + "\": supported values: \"Metadata\", \"None\", \"Object\"");
        }
        return v;
    }

    void writeObject(Exchange ex, Registry.Entry entry, ObjectNode obj, int status, List<String> warnings) {
        writeObject(ex, entry, obj, null, status, warnings);
    }

    /**
     * Answers with one object. {@code json}, when not null, is {@link Json#bytes} of the served object, made by the
     * write that produced it: a plain JSON answer sends it instead of serializing the object again.
     */
    void writeObject(Exchange ex, Registry.Entry entry, ObjectNode obj, byte[] json, int status, List<String> warnings) {
        MediaTypes.Target target = MediaTypes.negotiate(ex.header("Accept"), false);
        if (json != null && target.kind() == MediaTypes.Kind.OBJECT && target.contentType().equals(MediaTypes.JSON)) {
            ex.respond(status, target.contentType(), json, warningHeaders(warnings));
            return;
        }
        if (target.kind() == MediaTypes.Kind.TABLE) {
            ObjectNode t = table(entry, List.of(obj), target.version(), includeObject(ex), true);
            t.putObject("metadata").put("resourceVersion", Json.text(obj.get("metadata"), "resourceVersion"));
            send(ex, status, target, t, warnings);
        } else if (target.kind() == MediaTypes.Kind.PARTIAL_METADATA) {
            send(ex, status, target, partial(obj, target.version()), warnings);
        } else {
            send(ex, status, target, entry.store().served(obj), warnings);
        }
    }

    void send(Exchange ex, int status, MediaTypes.Target target, JsonNode body, List<String> warnings) {
        Map<String, List<String>> headers = warningHeaders(warnings);
        byte[] bytes;
        if (target.contentType().equals(MediaTypes.YAML)) {
            try {
                bytes = Json.YAML.writeValueAsBytes(body);
            } catch (JsonProcessingException e) {
                throw StatusException.internal(e.getMessage());
            }
        } else {
            bytes = Json.bytes(body);
        }
        ex.respond(status, target.contentType(), bytes, headers);
    }

    private static Map<String, List<String>> warningHeaders(List<String> warnings) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (!warnings.isEmpty()) {
            List<String> w = new ArrayList<>();
            for (String s : warnings) {
                w.add("299 - \"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
            }
            headers.put("Warning", w);
        }
        return headers;
    }

    private static ObjectNode partial(ObjectNode obj, String version) {
        ObjectNode p = Json.object();
        p.put("kind", "PartialObjectMetadata");
        p.put("apiVersion", "meta.k8s.io/" + (version == null ? "v1" : version));
        JsonNode meta = obj.get("metadata");
        p.set("metadata", meta == null ? Json.object() : meta);
        return p;
    }

    private ObjectNode table(Registry.Entry entry, List<ObjectNode> items, String version, String includeObject,
                             boolean withColumns) {
        TableConvertor tc = entry.table();
        ObjectNode t = Json.object();
        t.put("kind", "Table");
        t.put("apiVersion", "meta.k8s.io/" + (version == null ? "v1" : version));
        t.putObject("metadata");
        ArrayNode cols = t.putArray("columnDefinitions");
        if (withColumns) {
            for (Column c : tc.columns()) {
                ObjectNode cn = cols.addObject();
                cn.put("name", c.name());
                cn.put("type", c.type());
                cn.put("format", c.format());
                cn.put("description", c.description());
                cn.put("priority", c.priority());
            }
        }
        ArrayNode rows = t.putArray("rows");
        Instant now = clock.instant();
        for (ObjectNode o : items) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Object c : tc.cells(o, now)) {
                addCell(cells, c);
            }
            switch (includeObject) {
                case "Object" -> row.set("object", o);
                case "Metadata" -> row.set("object", partial(o, version));
                default -> {
                }
            }
        }
        return t;
    }

    /** Adds a cell value without a round trip through the object mapper (hot for large tables). */
    private static void addCell(ArrayNode cells, Object c) {
        switch (c) {
            case null -> cells.addNull();
            case String str -> cells.add(str);
            case Integer i -> cells.add(i);
            case Long l -> cells.add(l);
            case Boolean b -> cells.add(b);
            case Double d -> cells.add(d);
            case JsonNode n -> cells.add(n);
            default -> cells.add(Json.MAPPER.valueToTree(c));
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
