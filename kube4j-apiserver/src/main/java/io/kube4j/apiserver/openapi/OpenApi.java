package io.kube4j.apiserver.openapi;

import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.endpoints.Exchange;
import io.kube4j.apiserver.endpoints.FieldValidation;
import io.kube4j.apiserver.endpoints.MediaTypes;
import io.kube4j.apiserver.endpoints.Patcher;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.schema.SchemaCatalog;
import io.kube4j.apiserver.schema.UnknownFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Serves {@code /openapi/v2} and {@code /openapi/v3}, and the schema-driven checks built on the same
 * schemas (unknown fields for {@code fieldValidation}). Created once by ApiServer; the schemas and
 * documents are built on a background virtual thread at start (or by the first request that needs
 * them, whichever comes first) and rebuilt only if the registry's resources change. Thread-safe.
 */
public final class OpenApi {
    private static final Logger LOG = LoggerFactory.getLogger(OpenApi.class);
    private static final String V3 = "/openapi/v3";

    private final Registry registry;
    private final FieldValidation fieldValidation;
    private volatile Snapshot snapshot;

    /** Schemas and documents of one set of resources. */
    private record Snapshot(int generation, List<ResourceInfo> resources, SchemaCatalog catalog, Documents documents) {
    }

    public OpenApi(Registry registry) {
        this.registry = registry;
        this.fieldValidation = new UnknownFields(() -> snapshot().catalog());
    }

    /**
     * Builds the documents on a background thread, so the first client that asks for them (kubectl
     * validates every create and apply against them) need not wait. Called once the server is ready:
     * on two cores, building them during start-up would delay readiness.
     */
    public void buildInBackground() {
        Thread.ofVirtual().name("openapi-build").start(() -> {
            try {
                snapshot();
            } catch (RuntimeException e) {
                LOG.warn("openapi build failed error={}", e.toString());
            }
        });
    }

    /** Unknown-field detection against the served kinds' schemas. */
    public FieldValidation fieldValidation() {
        return fieldValidation;
    }

    public Patcher patcher() {
        return (info, contentType, original, patch) -> io.kube4j.apiserver.endpoints.Patching.apply(info.group(), info.kind(), contentType, original, patch);
    }

    /** Answers a GET under {@code /openapi/}. */
    public void serve(Exchange ex, String path) {
        if (!ex.method().equals("GET") && !ex.method().equals("HEAD")) {
            throw StatusException.methodNotSupported("", path, ex.method().toLowerCase());
        }
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/openapi/v2")) {
            requireJson(ex);
            Documents.Rendered doc = snapshot().documents().v2();
            sendCached(ex, doc, "no-cache, private");
            return;
        }
        if (p.equals(V3)) {
            requireJson(ex);
            ex.respond(200, MediaTypes.JSON, snapshot().documents().v3Root().json(), Map.of());
            return;
        }
        if (p.startsWith(V3 + "/")) {
            String gv = p.substring(V3.length() + 1);
            Documents.Rendered doc = snapshot().documents().v3(gv);
            if (doc == null) {
                throw StatusException.pathNotFound();
            }
            requireJson(ex);
            String hash = ex.query("hash");
            if (hash != null && !hash.isEmpty()) {
                if (!hash.equals(doc.hash())) {
                    // an old hash: send the client to the current content, as upstream does
                    ex.respond(301, "text/plain; charset=utf-8", new byte[0],
                            Map.of("Location", List.of(V3 + "/" + gv + "?hash=" + doc.hash())));
                    return;
                }
                sendCached(ex, doc, "public, immutable");
                return;
            }
            sendCached(ex, doc, "no-cache, private");
            return;
        }
        throw StatusException.pathNotFound();
    }

    private static void sendCached(Exchange ex, Documents.Rendered doc, String cacheControl) {
        String etag = "\"" + doc.hash() + "\"";
        Map<String, List<String>> headers = Map.of("ETag", List.of(etag), "Cache-Control", List.of(cacheControl));
        String ifNoneMatch = ex.header("If-None-Match");
        if (ifNoneMatch != null && ifNoneMatch.strip().equals(etag)) {
            ex.respond(304, MediaTypes.JSON, new byte[0], headers);
            return;
        }
        ex.respond(200, MediaTypes.JSON, doc.json(), headers);
    }

    /** Documents are JSON only: a client that accepts only protobuf gets 406. */
    private static void requireJson(Exchange ex) {
        String accept = ex.header("Accept");
        if (accept == null || accept.isBlank()) {
            return;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].strip().toLowerCase();
            if (type.equals(MediaTypes.JSON) || type.equals("*/*") || type.equals("application/*")) {
                return;
            }
        }
        throw StatusException.notAcceptable("only the following media types are accepted: application/json");
    }

    /** The current snapshot, built now if the registry's resources changed since the last one. */
    private Snapshot snapshot() {
        Snapshot s = snapshot;
        if (s != null && s.generation() == registry.generation()) {
            return s;
        }
        synchronized (this) {
            int generation = registry.generation();
            s = snapshot;
            if (s != null && s.generation() == generation) {
                return s;
            }
            List<ResourceInfo> resources = registry.entries().stream().map(Registry.Entry::info).toList();
            long start = System.nanoTime();
            SchemaCatalog catalog = SchemaCatalog.build(resources);
            Documents docs = Documents.build(resources, catalog);
            s = new Snapshot(generation, resources, catalog, docs);
            snapshot = s;
            LOG.info("openapi built resources={} definitions={} ms={}", resources.size(),
                    catalog.definitions().size(), (System.nanoTime() - start) / 1_000_000);
            return s;
        }
    }
}
