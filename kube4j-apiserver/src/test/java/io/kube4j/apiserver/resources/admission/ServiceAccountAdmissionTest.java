package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.AdmissionPlugin;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.WriteOptions;
import io.kube4j.apiserver.registry.cache.CacheRouter;
import io.kube4j.apiserver.registry.ObjectCodec;
import io.kube4j.apiserver.resources.BuiltinResources;
import io.kube4j.storage.memory.MemoryStorage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountAdmissionTest {
    static ObjectNode pod(String yaml) throws Exception {
        return (ObjectNode) Json.YAML.readTree(yaml);
    }

    @Test
    void mountsTheProjectedVolumeInEveryContainerWithoutOne() throws Exception {
        ObjectNode spec = (ObjectNode) pod("""
                containers:
                - name: a
                - name: b
                  volumeMounts:
                  - name: mine
                    mountPath: /var/run/secrets/kubernetes.io/serviceaccount
                initContainers:
                - name: i
                """);
        ServiceAccountAdmission.mountToken(spec, () -> "x7b2k");
        assertThat(spec.at("/volumes/0/name").asText()).isEqualTo("kube-api-access-x7b2k");
        assertThat(spec.at("/volumes/0/projected/defaultMode").asInt()).isEqualTo(420);
        assertThat(spec.at("/volumes/0/projected/sources/0/serviceAccountToken/expirationSeconds").asLong())
                .isEqualTo(3607);
        assertThat(spec.at("/volumes/0/projected/sources/0/serviceAccountToken/path").asText()).isEqualTo("token");
        assertThat(spec.at("/volumes/0/projected/sources/1/configMap/name").asText()).isEqualTo("kube-root-ca.crt");
        assertThat(spec.at("/volumes/0/projected/sources/1/configMap/items/0/key").asText()).isEqualTo("ca.crt");
        assertThat(spec.at("/volumes/0/projected/sources/2/downwardAPI/items/0/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.namespace");
        assertThat(spec.at("/containers/0/volumeMounts/0/name").asText()).isEqualTo("kube-api-access-x7b2k");
        assertThat(spec.at("/containers/0/volumeMounts/0/readOnly").asBoolean()).isTrue();
        assertThat(spec.at("/containers/1/volumeMounts")).hasSize(1); // its own mount at the path stays alone
        assertThat(spec.at("/initContainers/0/volumeMounts/0/mountPath").asText())
                .isEqualTo(ServiceAccountAdmission.MOUNT_PATH);
    }

    @Test
    void noVolumeWhenEveryContainerMountsThePathItself() throws Exception {
        ObjectNode spec = (ObjectNode) pod("""
                containers:
                - name: a
                  volumeMounts:
                  - {name: mine, mountPath: /var/run/secrets/kubernetes.io/serviceaccount}
                """);
        ServiceAccountAdmission.mountToken(spec, () -> "zzzzz");
        assertThat(spec.has("volumes")).isFalse();
    }

    @Test
    void imagePullSecretsComeFromTheAccountUnlessThePodNamesSome() throws Exception {
        ObjectNode sa = pod("imagePullSecrets: [{name: registry-a}, {name: registry-b}]");
        ObjectNode spec = pod("containers: [{name: a}]");
        ServiceAccountAdmission.copyImagePullSecrets(spec, sa);
        assertThat(spec.at("/imagePullSecrets/0/name").asText()).isEqualTo("registry-a");
        assertThat(spec.at("/imagePullSecrets/1/name").asText()).isEqualTo("registry-b");
        ObjectNode own = pod("imagePullSecrets: [{name: mine}]");
        ServiceAccountAdmission.copyImagePullSecrets(own, sa);
        assertThat(own.get("imagePullSecrets")).hasSize(1);
        assertThat(own.at("/imagePullSecrets/0/name").asText()).isEqualTo("mine");
    }

    @Test
    void automountThePodWinsThenTheAccount() throws Exception {
        ObjectNode saOff = pod("automountServiceAccountToken: false");
        assertThat(ServiceAccountAdmission.shouldAutomount(pod("{}"), pod("{}"))).isTrue();
        assertThat(ServiceAccountAdmission.shouldAutomount(pod("{}"), saOff)).isFalse();
        assertThat(ServiceAccountAdmission.shouldAutomount(pod("automountServiceAccountToken: true"), saOff)).isTrue();
        assertThat(ServiceAccountAdmission.shouldAutomount(pod("automountServiceAccountToken: false"), pod("{}")))
                .isFalse();
    }

    @Test
    void admitChecksTheAccountExistsAndDefaultsIt() throws Exception {
        var storage = new MemoryStorage();
        var router = new CacheRouter(storage, "/registry/", ObjectCodec::decode);
        Registry registry = new Registry();
        BuiltinResources.register(registry, storage, router, Clock.systemUTC(), new Random(1), "10.43.0.0/16",
                io.kube4j.apiserver.resources.admission.AdmissionPlugins.without("ServiceAccount"));
        router.start();
        registry.store("", "namespaces").create(null, pod("metadata: {name: default}"), WriteOptions.defaults());
        var plugin = new ServiceAccountAdmission(registry, new Random(7));
        var pods = registry.store("", "pods").info();
        ObjectNode p = pod("""
                metadata: {name: web}
                spec:
                  containers: [{name: a}]
                """);
        assertThatThrownBy(() -> plugin.admit(AdmissionPlugin.Operation.CREATE, pods, "default", p, null))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(403);
                    assertThat(e.getMessage()).isEqualTo("pods \"web\" is forbidden: error looking up service account "
                            + "default/default: serviceaccount \"default\" not found");
                });
        // the default account created a moment after the pod arrives: admission waits for it, as upstream's does
        Thread creator = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
                registry.store("", "serviceaccounts").create("default", pod("metadata: {name: default}"),
                        WriteOptions.defaults());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        plugin.admit(AdmissionPlugin.Operation.CREATE, pods, "default", p, null);
        creator.join();
        assertThat(p.at("/spec/serviceAccountName").asText()).isEqualTo("default");
        assertThat(p.at("/spec/serviceAccount").asText()).isEqualTo("default");
        assertThat(p.at("/spec/volumes/0/name").asText()).matches("kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}");

        ObjectNode off = pod("""
                metadata: {name: quiet}
                spec:
                  automountServiceAccountToken: false
                  containers: [{name: a}]
                """);
        plugin.admit(AdmissionPlugin.Operation.CREATE, pods, "default", off, null);
        assertThat(off.at("/spec/volumes").isMissingNode()).isTrue();
        router.close();
    }
}
