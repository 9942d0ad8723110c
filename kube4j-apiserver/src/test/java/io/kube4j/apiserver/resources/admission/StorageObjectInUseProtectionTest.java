package io.kube4j.apiserver.resources.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.AdmissionPlugin.Operation;
import io.kube4j.apiserver.registry.ResourceInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StorageObjectInUseProtectionTest {
    private static final ResourceInfo PVC = ResourceInfo.builder("", "v1", "persistentvolumeclaims",
            "PersistentVolumeClaim").build();
    private static final ResourceInfo PV = ResourceInfo.builder("", "v1", "persistentvolumes", "PersistentVolume")
            .clusterScoped().build();
    private static final ResourceInfo CM = ResourceInfo.builder("", "v1", "configmaps", "ConfigMap").build();
    private final StorageObjectInUseProtection plugin = new StorageObjectInUseProtection();

    private static ObjectNode obj(String metadata) {
        return (ObjectNode) Json.parse(("{'metadata':" + metadata + "}").replace('\'', '"'));
    }

    @Test
    void newClaimsAndVolumesGetTheirFinalizerOnce() {
        ObjectNode claim = obj("{'name':'c'}");
        plugin.admit(Operation.CREATE, PVC, "default", claim, null);
        assertThat(claim.at("/metadata/finalizers")).isEqualTo(Json.parse("[\"kubernetes.io/pvc-protection\"]"));
        ObjectNode volume = obj("{'name':'v','finalizers':['example.com/keep','kubernetes.io/pv-protection']}");
        plugin.admit(Operation.CREATE, PV, null, volume, null);
        assertThat(volume.at("/metadata/finalizers")).isEqualTo(
                Json.parse("[\"example.com/keep\",\"kubernetes.io/pv-protection\"]"));
    }

    @Test
    void updatesAndOtherResourcesAreLeftAlone() {
        ObjectNode claim = obj("{'name':'c'}");
        plugin.admit(Operation.UPDATE, PVC, "default", claim, obj("{'name':'c'}"));
        assertThat(claim.at("/metadata/finalizers").isMissingNode()).isTrue();
        ObjectNode cm = obj("{'name':'m'}");
        plugin.admit(Operation.CREATE, CM, "default", cm, null);
        assertThat(cm.at("/metadata/finalizers").isMissingNode()).isTrue();
    }
}
