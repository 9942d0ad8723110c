package io.kube4j.apiserver.pki;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The admin kubeconfig of a cluster: its CA, a server URL and the admin client certificate, in
 * one context named {@code kube4j}. Used by {@code kube4j server} and by the JUnit extension.
 */
public final class AdminKubeconfig {
    private AdminKubeconfig() {
    }

    /** The kubeconfig YAML for {@code server}. */
    public static String render(String server, ClusterPki pki) {
        ObjectNode c = Json.object();
        c.put("apiVersion", "v1");
        c.put("kind", "Config");
        ObjectNode cluster = c.putArray("clusters").addObject();
        cluster.put("name", "kube4j");
        ObjectNode cl = cluster.putObject("cluster");
        cl.put("server", server);
        cl.put("certificate-authority-data", b64(pki.ca().certPem()));
        ObjectNode user = c.putArray("users").addObject();
        user.put("name", "kube4j-admin");
        ObjectNode u = user.putObject("user");
        u.put("client-certificate-data", b64(pki.admin().certPem()));
        u.put("client-key-data", b64(pki.admin().keyPem()));
        ObjectNode ctx = c.putArray("contexts").addObject();
        ctx.put("name", "kube4j");
        ObjectNode cx = ctx.putObject("context");
        cx.put("cluster", "kube4j");
        cx.put("user", "kube4j-admin");
        c.put("current-context", "kube4j");
        c.putObject("preferences");
        try {
            return Json.YAML.writeValueAsString(c);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
