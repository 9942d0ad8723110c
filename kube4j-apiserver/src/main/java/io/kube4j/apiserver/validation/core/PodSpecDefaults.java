package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;

import java.util.List;

/**
 * Upstream's core/v1 defaulting of a pod spec (pkg/apis/core/v1/defaults.go), shared by pods and
 * every workload's pod template. Callers: the pod, pod template and replication controller
 * strategies here, and the apps/batch strategies for their {@code spec.template}. Every method
 * changes its argument in place, is idempotent, and is thread-safe for distinct arguments.
 */
public final class PodSpecDefaults {
    /** Volume source fields in upstream's order: a volume with none of them becomes an emptyDir. */
    public static final List<String> VOLUME_SOURCES = List.of("emptyDir", "hostPath", "gitRepo", "gcePersistentDisk",
            "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd",
            "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume",
            "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi",
            "ephemeral", "image");
    private static final int DEFAULT_FILE_MODE = 0644;

    private PodSpecDefaults() {
    }

    /** Defaults of a PodTemplateSpec ({@code metadata} and {@code spec}), e.g. a Deployment's template. */
    public static void applyPodTemplate(ObjectNode template) {
        if (template != null) {
            applyPodSpec(Json.with(template, "spec"));
        }
    }

    /**
     * Defaults of a PodSpec wherever it appears: DNS and restart policy, grace period, scheduler,
     * security context, and the defaults of its containers and volumes.
     */
    public static void applyPodSpec(ObjectNode spec) {
        putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
        putIfAbsent(spec, "restartPolicy", "Always");
        if (!(spec.get("securityContext") instanceof ObjectNode)) {
            spec.putObject("securityContext");
        }
        if (!spec.hasNonNull("terminationGracePeriodSeconds")) {
            spec.put("terminationGracePeriodSeconds", 30);
        }
        putIfAbsent(spec, "schedulerName", "default-scheduler");
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode o) {
                    applyContainer(o);
                }
            }
        }
        for (JsonNode v : spec.path("volumes")) {
            if (v instanceof ObjectNode o) {
                applyVolume(o);
            }
        }
    }

    /**
     * The defaults upstream applies only to pods, not templates: requests copied from limits,
     * {@code enableServiceLinks}, and host ports equal to container ports on the host network.
     */
    public static void applyPodOnly(ObjectNode spec) {
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode c : spec.path(list)) {
                if (c instanceof ObjectNode o) {
                    JsonNode limits = Json.at(o, "resources", "limits");
                    if (limits != null && limits.isObject()) {
                        ObjectNode requests = Json.with(Json.with(o, "resources"), "requests");
                        limits.fields().forEachRemaining(e -> {
                            if (!requests.has(e.getKey())) {
                                requests.set(e.getKey(), e.getValue().deepCopy());
                            }
                        });
                    }
                    if (spec.path("hostNetwork").asBoolean(false)) {
                        for (JsonNode p : o.path("ports")) {
                            if (p instanceof ObjectNode port && port.path("hostPort").asInt(0) == 0
                                    && port.has("containerPort")) {
                                port.set("hostPort", port.get("containerPort"));
                            }
                        }
                    }
                }
            }
        }
        if (!spec.hasNonNull("enableServiceLinks")) {
            spec.put("enableServiceLinks", true);
        }
    }

    /** Container defaults: pull policy, termination message, port protocols, probes, env sources. */
    public static void applyContainer(ObjectNode c) {
        if (!c.hasNonNull("imagePullPolicy") || c.get("imagePullPolicy").asText().isEmpty()) {
            c.put("imagePullPolicy", "latest".equals(imageTag(Json.text(c, "image"))) ? "Always" : "IfNotPresent");
        }
        putIfAbsent(c, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(c, "terminationMessagePolicy", "File");
        if (!(c.get("resources") instanceof ObjectNode)) {
            c.putObject("resources");
        }
        for (JsonNode p : c.path("ports")) {
            if (p instanceof ObjectNode port) {
                putIfAbsent(port, "protocol", "TCP");
            }
        }
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            if (c.get(probe) instanceof ObjectNode p) {
                applyProbe(p);
            }
        }
        if (c.get("lifecycle") instanceof ObjectNode lc) {
            for (String h : List.of("postStart", "preStop")) {
                if (lc.get(h) instanceof ObjectNode handler) {
                    applyHandler(handler);
                }
            }
        }
        for (JsonNode e : c.path("env")) {
            JsonNode fieldRef = Json.at(e, "valueFrom", "fieldRef");
            if (fieldRef instanceof ObjectNode f) {
                putIfAbsent(f, "apiVersion", "v1");
            }
        }
    }

    private static void applyProbe(ObjectNode p) {
        putIntIfAbsent(p, "timeoutSeconds", 1);
        putIntIfAbsent(p, "periodSeconds", 10);
        putIntIfAbsent(p, "successThreshold", 1);
        putIntIfAbsent(p, "failureThreshold", 3);
        applyHandler(p);
    }

    private static void applyHandler(ObjectNode h) {
        if (h.get("httpGet") instanceof ObjectNode get) {
            putIfAbsent(get, "path", "/");
            putIfAbsent(get, "scheme", "HTTP");
        }
    }

    /** Volume defaults: emptyDir when no source is given, file modes, token expiry, field refs. */
    public static void applyVolume(ObjectNode v) {
        boolean hasSource = false;
        for (String s : VOLUME_SOURCES) {
            hasSource |= v.hasNonNull(s);
        }
        if (!hasSource) {
            v.putObject("emptyDir");
        }
        for (String s : List.of("secret", "configMap", "downwardAPI", "projected")) {
            if (v.get(s) instanceof ObjectNode src) {
                putIntIfAbsent(src, "defaultMode", DEFAULT_FILE_MODE);
            }
        }
        if (v.get("hostPath") instanceof ObjectNode hp) {
            putIfAbsent(hp, "type", "");
        }
        if (v.get("downwardAPI") instanceof ObjectNode d) {
            applyDownwardItems(d);
        }
        if (v.get("projected") instanceof ObjectNode proj) {
            for (JsonNode src : proj.path("sources")) {
                if (src.get("serviceAccountToken") instanceof ObjectNode tok) {
                    putIntIfAbsent(tok, "expirationSeconds", 3600);
                }
                if (src.get("downwardAPI") instanceof ObjectNode d) {
                    applyDownwardItems(d);
                }
            }
        }
    }

    private static void applyDownwardItems(ObjectNode downward) {
        for (JsonNode item : downward.path("items")) {
            if (item.get("fieldRef") instanceof ObjectNode f) {
                putIfAbsent(f, "apiVersion", "v1");
            }
        }
    }

    /**
     * The tag of an image reference: {@code latest} when it names neither tag nor digest, "" when it
     * names only a digest.
     */
    public static String imageTag(String image) {
        if (image == null) {
            return "latest";
        }
        String ref = image;
        boolean digest = false;
        int at = ref.indexOf('@');
        if (at >= 0) {
            ref = ref.substring(0, at);
            digest = true;
        }
        String last = ref.substring(ref.lastIndexOf('/') + 1);
        int colon = last.indexOf(':');
        if (colon >= 0) {
            return last.substring(colon + 1);
        }
        return digest ? "" : "latest";
    }

    private static void putIfAbsent(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field) || (o.get(field).isTextual() && o.get(field).asText().isEmpty() && !value.isEmpty())) {
            o.put(field, value);
        }
    }

    private static void putIntIfAbsent(ObjectNode o, String field, int value) {
        if (!o.hasNonNull(field) || (o.get(field).isNumber() && o.get(field).asInt() == 0 && !field.equals("defaultMode")
                && !field.equals("expirationSeconds"))) {
            o.put(field, value);
        }
    }
}
