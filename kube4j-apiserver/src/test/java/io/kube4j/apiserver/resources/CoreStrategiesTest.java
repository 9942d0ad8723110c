package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.DeleteOptions;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.ResourceInfo;
import io.kube4j.apiserver.registry.Store;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.resources.core.pod.PodStrategy;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The core strategies behind real stores on in-memory storage. */
class CoreStrategiesTest {
    private final Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private MemoryStorage storage;
    private CacheRouter router;
    private Registry registry;
    private Store pods;
    private Store services;
    private Store secrets;

    @BeforeEach
    void setUp() {
        storage = new MemoryStorage();
        router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        registry = new Registry();
        Map<String, io.kube4j.apiserver.registry.Strategy> strategies = CoreStrategies.all(registry, "10.43.0.0/16", clock);
        pods = add(ResourceInfo.builder("", "v1", "pods", "Pod").subresources("status", "binding", "eviction").build(),
                strategies.get("/pods"));
        services = add(ResourceInfo.builder("", "v1", "services", "Service").subresources("status").build(),
                strategies.get("/services"));
        secrets = add(ResourceInfo.builder("", "v1", "secrets", "Secret").build(), strategies.get("/secrets"));
        router.start();
    }

    private Store add(ResourceInfo info, io.kube4j.apiserver.registry.Strategy strategy) {
        Store s = new Store(info, strategy, storage, router, clock, List.of(), new Random(1));
        registry.add(s, io.kube4j.apiserver.registry.DefaultTableConvertor.INSTANCE);
        return s;
    }

    @AfterEach
    void tearDown() {
        router.close();
    }

    static ObjectNode obj(String json) {
        return (ObjectNode) Json.parse(json);
    }

    private static String message(Runnable r) {
        try {
            r.run();
        } catch (StatusException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error");
    }

    // ------------------------------------------------------------------ pods

    @Test
    void podWithoutContainersIsInvalid() {
        assertThat(message(() -> pods.create("default", obj("{\"metadata\":{\"name\":\"x\"},\"spec\":{}}"), WriteOptions.defaults())))
                .isEqualTo("Pod \"x\" is invalid: spec.containers: Required value");
    }

    @Test
    void podCreateDefaultsAndStatus() {
        ObjectNode p = pods.create("default", obj("""
                {"metadata":{"name":"web"},"spec":{"containers":[{"name":"c","image":"nginx:1.25",
                 "resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]}}"""), WriteOptions.defaults());
        var spec = p.path("spec");
        assertThat(spec.path("serviceAccountName").asText()).isEqualTo("default");
        assertThat(spec.path("serviceAccount").asText()).isEqualTo("default");
        assertThat(spec.path("priority").asInt()).isZero();
        assertThat(spec.path("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
        assertThat(spec.path("enableServiceLinks").asBoolean()).isTrue();
        assertThat(spec.path("tolerations")).hasSize(2);
        assertThat(spec.path("tolerations").get(0).toString()).isEqualTo(
                "{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}");
        assertThat(spec.path("tolerations").get(1).path("key").asText()).isEqualTo("node.kubernetes.io/unreachable");
        assertThat(p.path("status").path("phase").asText()).isEqualTo("Pending");
        assertThat(p.path("status").path("qosClass").asText()).isEqualTo("Guaranteed");
    }

    @Test
    void podQosClasses() {
        ObjectNode best = pods.create("default", obj("{\"metadata\":{\"name\":\"a\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"),
                WriteOptions.defaults());
        assertThat(best.path("status").path("qosClass").asText()).isEqualTo("BestEffort");
        ObjectNode burst = pods.create("default", obj("{\"metadata\":{\"name\":\"b\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\","
                + "\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]}}"), WriteOptions.defaults());
        assertThat(burst.path("status").path("qosClass").asText()).isEqualTo("Burstable");
    }

    @Test
    void anUpdateNamingAnotherUidIsRefusedAndOneNamingNoneKeepsTheStoredUid() {
        ObjectNode created = pods.create("default", obj("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"),
                WriteOptions.defaults());
        String uid = created.path("metadata").path("uid").asText();
        // the status of a pod deleted and recreated under the same name: the kubelet names the uid it computed it for
        ObjectNode stale = created.deepCopy();
        ((ObjectNode) stale.path("metadata")).put("uid", "00000000-0000-0000-0000-000000000001");
        ((ObjectNode) stale.path("status")).put("phase", "Running");
        // a PUT names it as a precondition (409), a patch that sets it fails validation (422), as upstream
        assertThat(message(() -> pods.update("default", "p", stale, "status", WriteOptions.defaults())))
                .isEqualTo("Operation cannot be fulfilled on pods \"p\": Precondition failed: UID in precondition: "
                        + "00000000-0000-0000-0000-000000000001, UID in object meta: " + uid);
        assertThat(message(() -> pods.guaranteedUpdate("default", "p", "status", WriteOptions.defaults(), o -> {
            ((ObjectNode) o.path("metadata")).put("uid", "00000000-0000-0000-0000-000000000001");
            ((ObjectNode) o.path("status")).put("phase", "Running");
            return o;
        }, -1))).isEqualTo("Pod \"p\" is invalid: metadata.uid: Invalid value: "
                + "\"00000000-0000-0000-0000-000000000001\": field is immutable");
        assertThat(pods.get("default", "p").path("status").path("phase").asText()).isEqualTo("Pending");

        ObjectNode current = created.deepCopy();
        ((ObjectNode) current.path("metadata")).remove("uid");
        ((ObjectNode) current.path("status")).put("phase", "Running");
        pods.update("default", "p", current, "status", WriteOptions.defaults());
        ObjectNode stored = pods.get("default", "p");
        assertThat(stored.path("metadata").path("uid").asText()).isEqualTo(uid);
        assertThat(stored.path("status").path("phase").asText()).isEqualTo("Running");
    }

    @Test
    void podSpecUpdateIsForbiddenButImageMayChange() {
        pods.create("default", obj("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"),
                WriteOptions.defaults());
        ObjectNode changed = pods.guaranteedUpdate("default", "p", null, WriteOptions.defaults(), o -> {
            ((ObjectNode) o.path("spec").path("containers").get(0)).put("image", "y");
            return o;
        }, -1);
        assertThat(changed.path("spec").path("containers").get(0).path("image").asText()).isEqualTo("y");
        assertThat(message(() -> pods.guaranteedUpdate("default", "p", null, WriteOptions.defaults(), o -> {
            ((ObjectNode) o.path("spec")).put("hostname", "h");
            return o;
        }, -1))).startsWith("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than ");
    }

    @Test
    void podBindingAssignsTheNodeOnce() {
        pods.create("default", obj("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"),
                WriteOptions.defaults());
        PodStrategy strategy = (PodStrategy) pods.strategy();
        ObjectNode binding = obj("{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"p\"},\"target\":{\"kind\":\"Node\",\"name\":\"n1\"}}");
        ObjectNode status = strategy.createSubresource(registry, "binding", "default", "p", binding, WriteOptions.defaults());
        assertThat(status.toString()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}");
        ObjectNode bound = pods.get("default", "p");
        assertThat(bound.path("spec").path("nodeName").asText()).isEqualTo("n1");
        assertThat(bound.path("status").path("conditions").get(0).path("type").asText()).isEqualTo("PodScheduled");
        assertThat(bound.path("status").path("conditions").get(0).path("status").asText()).isEqualTo("True");
        assertThat(message(() -> strategy.createSubresource(registry, "binding", "default", "p", binding, WriteOptions.defaults())))
                .isEqualTo("Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to node \"n1\"");
        assertThat(message(() -> strategy.createSubresource(registry, "binding", "default", "p",
                obj("{\"target\":{\"kind\":\"Pod\"}}"), WriteOptions.defaults())))
                .isEqualTo("Binding \"p\" is invalid: [target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\", "
                        + "target.name: Required value]");
    }

    @Test
    void gracePeriodFollowsUpstream() {
        PodStrategy s = (PodStrategy) pods.strategy();
        ObjectNode p = obj("{\"spec\":{\"terminationGracePeriodSeconds\":30},\"status\":{\"phase\":\"Running\"}}");
        assertThat(s.gracePeriodSeconds(p, null)).isZero();
        ((ObjectNode) p.path("spec")).put("nodeName", "n1");
        assertThat(s.gracePeriodSeconds(p, null)).isEqualTo(30);
        assertThat(s.gracePeriodSeconds(p, 5L)).isEqualTo(5);
        assertThat(s.gracePeriodSeconds(p, -3L)).isEqualTo(1);
        ((ObjectNode) p.path("status")).put("phase", "Succeeded");
        assertThat(s.gracePeriodSeconds(p, 10L)).isZero();
    }

    @Test
    void evictionDeletesThePodWithItsOptions() {
        pods.create("default", obj("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"),
                WriteOptions.defaults());
        PodStrategy strategy = (PodStrategy) pods.strategy();
        ObjectNode eviction = obj("{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"p\",\"namespace\":\"default\"},"
                + "\"deleteOptions\":{\"gracePeriodSeconds\":0}}");
        ObjectNode status = strategy.createSubresource(registry, "eviction", "default", "p", eviction, WriteOptions.defaults());
        assertThat(status.path("status").asText()).isEqualTo("Success");
        assertThat(status.path("code").asInt()).isEqualTo(201);
        assertThat(storage.get(pods.key("default", "p"))).isNull();
        assertThatThrownBy(() -> strategy.createSubresource(registry, "eviction", "default", "p", eviction, WriteOptions.defaults()))
                .hasMessage("pods \"p\" not found");
    }

    @Test
    void podFieldSelectors() {
        ObjectNode p = pods.create("default", obj("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]}}"),
                WriteOptions.defaults());
        Map<String, String> f = pods.strategy().selectableFields(p);
        assertThat(f).containsEntry("spec.nodeName", "n1").containsEntry("status.phase", "Pending")
                .containsEntry("spec.restartPolicy", "Always").containsEntry("spec.schedulerName", "default-scheduler")
                .containsEntry("spec.serviceAccountName", "default").containsEntry("spec.hostNetwork", "false")
                .containsKeys("status.podIP", "status.podIPs", "status.nominatedNodeName");
    }

    // ------------------------------------------------------------------ services

    static ObjectNode svc(String name, String specJson) {
        return obj("{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":" + specJson + "}");
    }

    @Test
    void serviceDefaultsAndClusterIP() {
        ObjectNode s = services.create("default", svc("web", "{\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80}]}"),
                WriteOptions.defaults());
        var spec = s.path("spec");
        assertThat(spec.path("type").asText()).isEqualTo("ClusterIP");
        assertThat(spec.path("sessionAffinity").asText()).isEqualTo("None");
        assertThat(spec.path("ports").get(0).path("protocol").asText()).isEqualTo("TCP");
        assertThat(spec.path("ports").get(0).path("targetPort").asInt()).isEqualTo(80);
        assertThat(spec.path("ipFamilies").toString()).isEqualTo("[\"IPv4\"]");
        assertThat(spec.path("ipFamilyPolicy").asText()).isEqualTo("SingleStack");
        assertThat(spec.path("internalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(spec.has("externalTrafficPolicy")).isFalse();
        String ip = spec.path("clusterIP").asText();
        assertThat(ip).startsWith("10.43.").isNotEqualTo("10.43.0.1");
        assertThat(spec.path("clusterIPs").get(0).asText()).isEqualTo(ip);
        assertThat(s.path("status").toString()).isEqualTo("{\"loadBalancer\":{}}");
    }

    @Test
    void requestedClusterIPsAreCheckedAgainstTheRangeAndOtherServices() {
        services.create("default", svc("kubernetes", "{\"clusterIP\":\"10.43.0.1\",\"ports\":[{\"port\":443}]}"), WriteOptions.defaults());
        assertThat(message(() -> services.create("default", svc("dup", "{\"clusterIP\":\"10.43.0.1\",\"ports\":[{\"port\":80}]}"),
                WriteOptions.defaults()))).isEqualTo("Service \"dup\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.43.0.1\"}: "
                + "failed to allocate IP 10.43.0.1: provided IP is already allocated");
        assertThat(message(() -> services.create("default", svc("out", "{\"clusterIP\":\"10.0.0.5\",\"ports\":[{\"port\":80}]}"),
                WriteOptions.defaults()))).isEqualTo("Service \"out\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.0.0.5\"}: "
                + "failed to allocate IP 10.0.0.5: provided IP is not in the valid range. The range of valid IPs is 10.43.0.0/16");
        // recreating the same service (e.g. bootstrap after a restart) is AlreadyExists, not Invalid
        assertThat(message(() -> services.create("default", svc("kubernetes", "{\"clusterIP\":\"10.43.0.1\",\"ports\":[{\"port\":443}]}"),
                WriteOptions.defaults()))).isEqualTo("services \"kubernetes\" already exists");
    }

    @Test
    void clusterIPIsImmutable() {
        services.create("default", svc("web", "{\"clusterIP\":\"10.43.1.1\",\"ports\":[{\"port\":80}]}"), WriteOptions.defaults());
        assertThat(message(() -> services.guaranteedUpdate("default", "web", null, WriteOptions.defaults(), o -> {
            ObjectNode spec = (ObjectNode) o.path("spec");
            spec.put("clusterIP", "10.43.1.2");
            spec.putArray("clusterIPs").add("10.43.1.2");
            return o;
        }, -1))).isEqualTo("Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.43.1.2\"}: may not change once set");
    }

    @Test
    void headlessServicesGetNoAddress() {
        ObjectNode s = services.create("default", svc("h", "{\"clusterIP\":\"None\",\"selector\":{\"a\":\"b\"},\"ports\":[{\"port\":80}]}"),
                WriteOptions.defaults());
        assertThat(s.path("spec").path("clusterIPs").toString()).isEqualTo("[\"None\"]");
        ObjectNode bare = services.create("default", svc("h2", "{\"clusterIP\":\"None\"}"), WriteOptions.defaults());
        assertThat(bare.path("spec").path("ipFamilyPolicy").asText()).isEqualTo("RequireDualStack");
    }

    @Test
    void nodePorts() {
        ObjectNode s = services.create("default", svc("np", "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"a\",\"port\":80,\"nodePort\":30080},{\"name\":\"b\",\"port\":81}]}"),
                WriteOptions.defaults());
        assertThat(s.path("spec").path("externalTrafficPolicy").asText()).isEqualTo("Cluster");
        assertThat(s.path("spec").path("ports").get(0).path("nodePort").asInt()).isEqualTo(30080);
        assertThat(s.path("spec").path("ports").get(1).path("nodePort").asInt()).isBetween(30000, 32767);
        assertThat(message(() -> services.create("default", svc("np2", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"),
                WriteOptions.defaults()))).isEqualTo("Service \"np2\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated");
        assertThat(message(() -> services.create("default", svc("np3", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":8080}]}"),
                WriteOptions.defaults()))).isEqualTo("Service \"np3\" is invalid: spec.ports[0].nodePort: Invalid value: 8080: "
                + "provided port is not in the valid range. The range of valid ports is 30000-32767");
        // type changes keep the ports the service holds and allocate new ones
        ObjectNode back = services.guaranteedUpdate("default", "np", null, WriteOptions.defaults(), o -> {
            ((ObjectNode) o.path("spec")).put("type", "ClusterIP");
            return o;
        }, -1);
        assertThat(back.path("spec").path("ports").get(0).has("nodePort")).isFalse();
        assertThat(back.path("spec").has("externalTrafficPolicy")).isFalse();
    }

    @Test
    void concurrentCreatesNeverShareAnAddress() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> ips = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                ips.add(pool.submit(() -> services.create("default", svc("s" + n, "{\"ports\":[{\"port\":80}]}"),
                        WriteOptions.defaults()).path("spec").path("clusterIP").asText()));
            }
            Set<String> seen = new HashSet<>();
            for (Future<String> f : ips) {
                assertThat(seen.add(f.get())).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void serviceValidationMessages() {
        assertThat(message(() -> services.create("default", svc("a", "{}"), WriteOptions.defaults())))
                .isEqualTo("Service \"a\" is invalid: spec.ports: Required value");
        assertThat(message(() -> services.create("default", svc("b", "{\"ports\":[{\"port\":80},{\"port\":81}]}"), WriteOptions.defaults())))
                .isEqualTo("Service \"b\" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]");
        assertThat(message(() -> services.create("default", svc("c", "{\"type\":\"ExternalName\"}"), WriteOptions.defaults())))
                .isEqualTo("Service \"c\" is invalid: spec.externalName: Required value");
        assertThat(message(() -> services.create("default", svc("d", "{\"type\":\"Magic\",\"ports\":[{\"port\":80,\"protocol\":\"ICMP\"}]}"),
                WriteOptions.defaults()))).isEqualTo("Service \"d\" is invalid: [spec.ports[0].protocol: Unsupported value: \"ICMP\": "
                + "supported values: \"SCTP\", \"TCP\", \"UDP\", spec.type: Unsupported value: \"Magic\": supported values: "
                + "\"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"]");
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void secretStringDataIsMergedAndTypeDefaulted() {
        ObjectNode s = secrets.create("default", obj("{\"metadata\":{\"name\":\"s\"},\"data\":{\"a\":\"eA==\"},\"stringData\":{\"b\":\"hello\"}}"),
                WriteOptions.defaults());
        assertThat(s.path("type").asText()).isEqualTo("Opaque");
        assertThat(s.has("stringData")).isFalse();
        assertThat(s.path("data").path("b").asText()).isEqualTo("aGVsbG8=");
        assertThat(s.path("data").path("a").asText()).isEqualTo("eA==");
        assertThatThrownBy(() -> secrets.create("default", obj("{\"metadata\":{\"name\":\"t\"},\"data\":{\"a\":\"!!!\"}}"),
                WriteOptions.defaults())).hasMessage("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 0");
        assertThat(message(() -> secrets.guaranteedUpdate("default", "s", null, WriteOptions.defaults(), o -> {
            o.put("type", "kubernetes.io/tls");
            return o;
        }, -1))).isEqualTo("Secret \"s\" is invalid: [type: Invalid value: \"kubernetes.io/tls\": field is immutable, "
                + "data[tls.crt]: Required value, data[tls.key]: Required value]");
    }
}
