package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.Random;

/**
 * Upstream's ServiceAccount admission for new pods: the pod runs as {@code spec.serviceAccountName} (default
 * {@code default}, mirrored into {@code serviceAccount}), which must exist (403 otherwise; {@code default} is waited
 * for up to about two seconds). Unless automounting is off (the pod's {@code automountServiceAccountToken}, else the
 * account's), every container and init container that does not already mount {@value #MOUNT_PATH} gets the
 * projected volume {@code kube-api-access-XXXXX} there, read-only: a bound token (3607 s), {@code ca.crt} from the
 * {@code kube-root-ca.crt} ConfigMap and the namespace. A pod without {@code imagePullSecrets} gets the account's.
 * Mirror pods are left alone. Called by every Store on writes; thread-safe (the random source is synchronized).
 *
 * <p>On by default; {@code kube4j server --disable-admission-plugins=ServiceAccount} turns it off (see
 * {@link AdmissionPlugins}). Off, pods get neither the check nor the volume.
 */
public final class ServiceAccountAdmission implements AdmissionPlugin {
    public static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
    static final String VOLUME_PREFIX = "kube-api-access-";
    static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
    static final long TOKEN_EXPIRATION_SECONDS = 3607;
    static final int DEFAULT_MODE = 0644;
    static final String DEFAULT_ACCOUNT = "default";
    static final int DEFAULT_ACCOUNT_ATTEMPTS = 10;
    private static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    /** Upstream's random-name alphabet: no vowels, no look-alike characters. */
    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

    private final Registry registry;
    private final Random random;

    public ServiceAccountAdmission(Registry registry, Random random) {
        this.registry = registry;
        this.random = random;
    }

    @Override
    public void admit(Operation operation, ResourceInfo resource, String namespace, ObjectNode obj, ObjectNode old) {
        if (operation != Operation.CREATE || !resource.group().isEmpty() || !resource.resource().equals("pods")) {
            return;
        }
        if (Json.at(obj, "metadata", "annotations", MIRROR_ANNOTATION) != null) {
            return;
        }
        ObjectNode spec = Json.with(obj, "spec");
        String saName = defaultServiceAccount(spec);
        ObjectNode sa = findServiceAccount(namespace, saName);
        if (sa == null) {
            // upstream's message comes from its lister, which names the resource in the singular
            throw StatusException.forbidden("", "pods", Json.text(obj.get("metadata"), "name"),
                    "error looking up service account " + namespace + "/" + saName + ": serviceaccount \"" + saName
                            + "\" not found");
        }
        if (shouldAutomount(spec, sa)) {
            mountToken(spec, this::randomSuffix);
        }
        copyImagePullSecrets(spec, sa);
    }

    /** A pod that names no image pull secrets gets its account's, as upstream's admission gives them. */
    static void copyImagePullSecrets(ObjectNode spec, JsonNode serviceAccount) {
        JsonNode own = spec.get("imagePullSecrets");
        JsonNode accounts = serviceAccount.get("imagePullSecrets");
        if ((own == null || !own.isArray() || own.isEmpty()) && accounts != null && accounts.isArray()
                && !accounts.isEmpty()) {
            ArrayNode copy = spec.putArray("imagePullSecrets");
            accounts.forEach(ref -> copy.addObject().put("name", ref.path("name").asText()));
        }
    }

    /**
     * The account, or null. {@code default} is looked up several times, 100-200 ms apart, as upstream does: the
     * serviceaccount controller creates it just after its namespace, and a pod may come first.
     */
    private ObjectNode findServiceAccount(String namespace, String name) {
        int attempts = DEFAULT_ACCOUNT.equals(name) ? DEFAULT_ACCOUNT_ATTEMPTS : 1;
        long pauseMillis;
        synchronized (random) {
            pauseMillis = 100 + random.nextInt(100);
        }
        for (int i = 0; i < attempts; i++) {
            if (i > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            try {
                return registry.store("", "serviceaccounts").get(namespace, name);
            } catch (StatusException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        return null;
    }

    /** Sets {@code serviceAccountName} (and its deprecated mirror) to {@code default} when unset; returns it. */
    static String defaultServiceAccount(ObjectNode spec) {
        String sa = Json.text(spec, "serviceAccountName");
        if (sa == null || sa.isEmpty()) {
            sa = Json.text(spec, "serviceAccount");
        }
        if (sa == null || sa.isEmpty()) {
            sa = "default";
        }
        spec.put("serviceAccountName", sa);
        spec.put("serviceAccount", sa);
        return sa;
    }

    /** The pod's {@code automountServiceAccountToken} wins; then the account's; then true. */
    static boolean shouldAutomount(JsonNode spec, JsonNode serviceAccount) {
        JsonNode pod = spec.get("automountServiceAccountToken");
        if (pod != null && pod.isBoolean()) {
            return pod.asBoolean();
        }
        JsonNode sa = serviceAccount == null ? null : serviceAccount.get("automountServiceAccountToken");
        return sa == null || !sa.isBoolean() || sa.asBoolean();
    }

    /**
     * Mounts the token volume in every container and init container without a mount at {@value #MOUNT_PATH}, adding
     * the volume when one of them needs it; an existing {@code kube-api-access-*} volume is reused.
     */
    static void mountToken(ObjectNode spec, java.util.function.Supplier<String> suffix) {
        String volumeName = null;
        for (JsonNode v : spec.path("volumes")) {
            String n = v.path("name").asText("");
            if (n.startsWith(VOLUME_PREFIX)) {
                volumeName = n;
                break;
            }
        }
        boolean hasVolume = volumeName != null;
        if (!hasVolume) {
            volumeName = VOLUME_PREFIX + suffix.get();
        }
        boolean needed = mountIn(spec.get("initContainers"), volumeName) | mountIn(spec.get("containers"), volumeName);
        if (needed && !hasVolume) {
            ArrayNode volumes = spec.has("volumes") && spec.get("volumes").isArray()
                    ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
            volumes.add(tokenVolume(volumeName));
        }
    }

    private static boolean mountIn(JsonNode containers, String volumeName) {
        boolean added = false;
        if (containers == null || !containers.isArray()) {
            return false;
        }
        for (JsonNode c : containers) {
            boolean present = false;
            for (JsonNode m : c.path("volumeMounts")) {
                if (MOUNT_PATH.equals(m.path("mountPath").asText())) {
                    present = true;
                    break;
                }
            }
            if (!present && c instanceof ObjectNode co) {
                ArrayNode mounts = co.has("volumeMounts") && co.get("volumeMounts").isArray()
                        ? (ArrayNode) co.get("volumeMounts") : co.putArray("volumeMounts");
                ObjectNode m = mounts.addObject();
                m.put("name", volumeName);
                m.put("readOnly", true);
                m.put("mountPath", MOUNT_PATH);
                added = true;
            }
        }
        return added;
    }

    /** The projected volume: token, CA bundle and namespace. */
    static ObjectNode tokenVolume(String name) {
        ObjectNode v = Json.object();
        v.put("name", name);
        ObjectNode projected = v.putObject("projected");
        ArrayNode sources = projected.putArray("sources");
        ObjectNode token = sources.addObject().putObject("serviceAccountToken");
        token.put("expirationSeconds", TOKEN_EXPIRATION_SECONDS);
        token.put("path", "token");
        ObjectNode cm = sources.addObject().putObject("configMap");
        cm.put("name", ROOT_CA_CONFIG_MAP);
        ObjectNode item = cm.putArray("items").addObject();
        item.put("key", "ca.crt");
        item.put("path", "ca.crt");
        ObjectNode ns = sources.addObject().putObject("downwardAPI").putArray("items").addObject();
        ns.put("path", "namespace");
        ObjectNode ref = ns.putObject("fieldRef");
        ref.put("apiVersion", "v1");
        ref.put("fieldPath", "metadata.namespace");
        projected.put("defaultMode", DEFAULT_MODE);
        return v;
    }

    private String randomSuffix() {
        StringBuilder b = new StringBuilder(5);
        synchronized (random) {
            for (int i = 0; i < 5; i++) {
                b.append(ALPHANUMS.charAt(random.nextInt(ALPHANUMS.length())));
            }
        }
        return b.toString();
    }
}
