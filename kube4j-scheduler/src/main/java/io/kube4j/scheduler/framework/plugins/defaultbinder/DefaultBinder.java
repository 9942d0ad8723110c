package io.kube4j.scheduler.framework.plugins.defaultbinder;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.kube4j.scheduler.framework.BindPlugin;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.FrameworkHandle;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;

/**
 * Bind: {@code POST /api/v1/namespaces/NS/pods/NAME/binding} with a Binding naming the node and the pod's UID (so
 * a pod deleted and re-created under the same name is not bound by mistake). Asynchronous: many bindings are in
 * flight at once on the client's connections. Thread-safe.
 */
public final class DefaultBinder implements BindPlugin {
    public static final String NAME = "DefaultBinder";

    private final KubernetesClient client;

    public DefaultBinder(FrameworkHandle handle) {
        this.client = handle.client();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<Status> bind(CycleState state, PodInfo pod, String nodeName) {
        var meta = pod.pod().getMetadata();
        String body = "{\"kind\":\"Binding\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":" + quote(meta.getName())
                + ",\"namespace\":" + quote(meta.getNamespace()) + ",\"uid\":" + quote(meta.getUid())
                + "},\"target\":{\"kind\":\"Node\",\"name\":" + quote(nodeName) + "}}";
        String base = client.getMasterUrl().toString();
        String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/namespaces/"
                + meta.getNamespace() + "/pods/" + meta.getName() + "/binding";
        HttpRequest req = client.getHttpClient().newHttpRequestBuilder().uri(url)
                .post("application/json", body.getBytes(StandardCharsets.UTF_8)).build();
        return client.getHttpClient().sendAsync(req, String.class).handle((resp, err) -> {
            if (err != null) {
                return Status.error("binding rejected: " + err);
            }
            if (resp.isSuccessful()) {
                return Status.SUCCESS;
            }
            return Status.error("binding rejected: HTTP " + resp.code() + " " + resp.body());
        });
    }

    /** A JSON string literal; names and UIDs are DNS labels, but the quoting stays correct for anything. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
