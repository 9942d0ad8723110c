package io.kube4j.client.metadata;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.impl.BaseClient;
import io.fabric8.kubernetes.client.impl.KubernetesClientImpl;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A client whose reads ask the server for metadata only, as upstream's metadata client does: a LIST is answered with
 * a {@code PartialObjectMetadataList} and each WATCH event carries a {@code PartialObjectMetadata}. Informers of
 * {@code GenericKubernetesResource} built on it therefore hold each object's kind/apiVersion (PartialObjectMetadata,
 * meta.k8s.io/v1) and metadata, nothing else. Used by the garbage collector, which reads only owner references,
 * finalizers, uids and deletion timestamps of everything in the cluster.
 * <p>
 * The client shares the HTTP connections of the client it is derived from. It must not be closed (closing it
 * would close the shared connection pool's executor): close the informers built on it, and the base client when
 * done. Thread-safe, as fabric8 clients are.
 */
public final class MetadataClient {
    static final String LIST_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";
    static final String WATCH_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

    private MetadataClient() {
    }

    /** A client that shares {@code base}'s connections and asks for metadata on every GET. */
    public static KubernetesClient derive(KubernetesClient base) {
        HttpClient http = base.getHttpClient().newBuilder()
                .addOrReplaceInterceptor("kube4j-metadata-only", new AcceptMetadata()).build();
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        // the base client's serialization, so its (per-mapper) type caches are not built twice
        KubernetesSerialization serialization = base instanceof BaseClient b ? b.getKubernetesSerialization()
                : new KubernetesSerialization();
        return new KubernetesClientImpl(http, base.getConfiguration(), () -> executor, serialization);
    }

    /** The Accept header a GET of {@code request} carries: a watch gets one PartialObjectMetadata per event. */
    static String accept(HttpRequest request) {
        String query = request.uri().getRawQuery();
        boolean watch = query != null && ("&" + query + "&").contains("&watch=true&");
        return watch ? WATCH_ACCEPT : LIST_ACCEPT;
    }

    private static final class AcceptMetadata implements Interceptor {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if ("GET".equals(request.method())) {
                builder.setHeader("Accept", accept(request));
            }
        }
    }
}
