package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumePluginsTest {
    @TempDir
    Path dir;

    private final Map<String, ConfigMap> configMaps = new ConcurrentHashMap<>();
    private final Map<String, Secret> secrets = new ConcurrentHashMap<>();
    private final Map<String, PersistentVolumeClaim> claims = new ConcurrentHashMap<>();
    private final Map<String, PersistentVolume> pvs = new ConcurrentHashMap<>();
    private final List<String> tokenCalls = new ArrayList<>();
    private final List<TokenRequest> tokenRequests = new ArrayList<>();
    private Instant now = Instant.parse("2026-11-25T04:20:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private VolumeManager manager() {
        VolumeSources sources = new VolumeSources((ns, n) -> configMaps.get(ns + "/" + n),
                (ns, n) -> secrets.get(ns + "/" + n), (ns, n) -> claims.get(ns + "/" + n), pvs::get,
                (ns, sa, r) -> {
                    tokenCalls.add(ns + "/" + sa);
                    tokenRequests.add(r);
                    TokenRequest answer = new TokenRequest();
                    answer.setStatus(new TokenRequestStatus(now.plusSeconds(r.getSpec().getExpirationSeconds())
                            .toString(), "token-" + tokenCalls.size()));
                    return answer;
                }, r -> r.equals("memory") ? new Quantity("8Gi") : null);
        return new VolumeManager(dir.resolve("pods"), sources, clock, new Random(7));
    }

    private static Pod pod(Container c, Volume... volumes) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("default").withUid("uid-1")
                .withLabels(Map.of("app", "web", "tier", "front")).endMetadata()
                .withNewSpec().withServiceAccountName("robot").withVolumes(volumes).withContainers(c).endSpec().build();
    }

    private static Container mounting(String volume, String path, String subPath) {
        return new ContainerBuilder().withName("a").addNewVolumeMount().withName(volume).withMountPath(path)
                .withSubPath(subPath).endVolumeMount().build();
    }

    private static int mode(Path p) throws Exception {
        return AtomicWriter.mode(Files.getPosixFilePermissions(p));
    }

    private void putConfigMap(String name, Map<String, String> data) {
        configMaps.put("default/" + name, new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                .withData(data).build());
    }

    @Test
    void configMapWritesDataAndBinaryDataReadOnlyWithTheDefaultMode() throws Exception {
        configMaps.put("default/game", new ConfigMapBuilder().withNewMetadata().withName("game").endMetadata()
                .withData(Map.of("lives", "3")).withBinaryData(Map.of("logo", Base64.getEncoder()
                        .encodeToString(new byte[]{1, 2, 3}))).build());
        Container c = mounting("cfg", "/etc/game", null);
        Pod pod = pod(c, new VolumeBuilder().withName("cfg").withNewConfigMap().withName("game").endConfigMap().build());

        List<VolumeManager.Mount> mounts = manager().mountsFor(pod, c);

        Path vol = dir.resolve("pods/uid-1/volumes/kubernetes.io~configmap/cfg");
        assertThat(mounts).containsExactly(new VolumeManager.Mount("/etc/game", vol.toString(), true));
        assertThat(vol.resolve("lives")).hasContent("3");
        assertThat(Files.readAllBytes(vol.resolve("logo"))).containsExactly(1, 2, 3);
        assertThat(mode(vol.resolve("lives"))).isEqualTo(0644);
        assertThat(Files.readSymbolicLink(vol.resolve("lives"))).isEqualTo(Path.of("..data/lives"));
    }

    @Test
    void configMapItemsChoosePathsAndModesAndSubPathIsTheFileOfThatMoment() throws Exception {
        putConfigMap("game", Map.of("lives", "3", "ui", "dark"));
        Container c = new ContainerBuilder().withName("a").addNewVolumeMount().withName("cfg").withMountPath("/etc/g")
                .endVolumeMount().addNewVolumeMount().withName("cfg").withMountPath("/etc/ui.conf")
                .withSubPath("conf/ui.conf").endVolumeMount().build();
        Pod pod = pod(c, new VolumeBuilder().withName("cfg").withNewConfigMap().withName("game").withDefaultMode(0600)
                .addNewItem().withKey("ui").withPath("conf/ui.conf").endItem()
                .addNewItem().withKey("lives").withPath("lives.txt").withMode(0444).endItem().endConfigMap().build());
        VolumeManager vm = manager();

        List<VolumeManager.Mount> mounts = vm.mountsFor(pod, c);

        Path vol = dir.resolve("pods/uid-1/volumes/kubernetes.io~configmap/cfg");
        assertThat(vol.resolve("conf/ui.conf")).hasContent("dark");
        assertThat(mode(vol.resolve("conf/ui.conf"))).isEqualTo(0600);
        assertThat(mode(vol.resolve("lives.txt"))).isEqualTo(0444);
        assertThat(vol.resolve("lives")).doesNotExist();
        Path sub = Path.of(mounts.get(1).hostPath());
        assertThat(sub.toString()).contains("/..2026_11_25_04_20_00.").endsWith("/conf/ui.conf");
        assertThat(sub).hasContent("dark");
    }

    @Test
    void missingConfigMapFailsTheMountUnlessOptional() throws Exception {
        Container c = mounting("cfg", "/etc/cfg", null);
        Pod pod = pod(c, new VolumeBuilder().withName("cfg").withNewConfigMap().withName("x").endConfigMap().build());
        VolumeManager vm = manager();
        assertThatThrownBy(() -> vm.mountsFor(pod, c))
                .hasMessage("MountVolume.SetUp failed for volume \"cfg\" : configmap \"x\" not found");

        Pod optional = pod(c, new VolumeBuilder().withName("cfg").withNewConfigMap().withName("x").withOptional(true)
                .endConfigMap().build());
        assertThat(vm.mountsFor(optional, c)).hasSize(1);
        assertThat(dir.resolve("pods/uid-1/volumes/kubernetes.io~configmap/cfg/..data")).isDirectory();

        putConfigMap("y", Map.of("a", "1"));
        Pod missingKey = pod(c, new VolumeBuilder().withName("cfg").withNewConfigMap().withName("y").addNewItem()
                .withKey("nope").withPath("n").endItem().endConfigMap().build());
        assertThatThrownBy(() -> vm.mountsFor(missingKey, c)).hasMessageEndingWith(
                "configmap references non-existent config key: nope");
    }

    @Test
    void secretIsOnTmpfsAndGoneAfterTearDown() throws Exception {
        secrets.put("default/db", new SecretBuilder().withNewMetadata().withName("db").endMetadata()
                .withData(Map.of("password", Base64.getEncoder().encodeToString("s3cret".getBytes()))).build());
        Container c = mounting("creds", "/etc/creds", null);
        Pod pod = pod(c, new VolumeBuilder().withName("creds").withNewSecret().withSecretName("db").endSecret().build());
        VolumeManager vm = manager();

        List<VolumeManager.Mount> mounts = vm.mountsFor(pod, c);
        Path vol = dir.resolve("pods/uid-1/volumes/kubernetes.io~secret/creds");
        assertThat(mounts.get(0).readOnly()).isTrue();
        assertThat(vol.resolve("password")).hasContent("s3cret");
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).contains("tmpfs " + vol + " tmpfs");
        vm.mountsFor(pod, c); // idempotent: no second tmpfs
        assertThat(Files.readString(Path.of("/proc/self/mounts")).split(vol + " ", -1)).hasSize(2);

        vm.tearDown("uid-1");
        assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(vol.toString());
        assertThat(dir.resolve("pods/uid-1")).doesNotExist();

        Pod missing = pod(c, new VolumeBuilder().withName("creds").withNewSecret().withSecretName("nope").endSecret()
                .build());
        assertThatThrownBy(() -> vm.mountsFor(missing, c)).hasMessageEndingWith(": secret \"nope\" not found");
        vm.tearDown("uid-1");
    }

    @Test
    void downwardApiWritesFieldsLabelsInUpstreamFormatAndResources() throws Exception {
        Container c = new ContainerBuilder().withName("a").withNewResources().addToLimits("memory", new Quantity("64Mi"))
                .endResources().addNewVolumeMount().withName("info").withMountPath("/etc/info").endVolumeMount().build();
        Volume v = new VolumeBuilder().withName("info").withNewDownwardAPI()
                .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef().endItem()
                .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef().endItem()
                .addNewItem().withPath("annotations").withNewFieldRef().withFieldPath("metadata.annotations")
                .endFieldRef().endItem()
                .addNewItem().withPath("mem").withNewResourceFieldRef().withContainerName("a")
                .withResource("limits.memory").withDivisor(new Quantity("1Mi")).endResourceFieldRef().endItem()
                .endDownwardAPI().build();
        Pod pod = pod(c, v);
        pod.getMetadata().setAnnotations(Map.of("note", "say \"hi\"\nbye"));
        VolumeManager vm = manager();
        vm.mountsFor(pod, c);

        Path vol = dir.resolve("pods/uid-1/volumes/kubernetes.io~downward-api/info");
        assertThat(vol.resolve("name")).hasContent("p");
        assertThat(Files.readString(vol.resolve("labels"))).isEqualTo("app=\"web\"\ntier=\"front\"");
        assertThat(Files.readString(vol.resolve("annotations"))).isEqualTo("note=\"say \\\"hi\\\"\\nbye\"");
        assertThat(vol.resolve("mem")).hasContent("64");

        // a label change is written on the next sync's update, without waiting for the period
        Pod relabelled = new PodBuilder(pod).editMetadata().addToLabels("app", "api").endMetadata().build();
        vm.update(relabelled);
        assertThat(Files.readString(vol.resolve("labels"))).isEqualTo("app=\"api\"\ntier=\"front\"");
    }

    @Test
    void updateRewritesApiDataVolumesAtMostOncePerPeriodAndKeepsOldDataOnErrors() throws Exception {
        putConfigMap("game", Map.of("lives", "3"));
        Container c = mounting("cfg", "/etc/game", null);
        Pod pod = pod(c, new VolumeBuilder().withName("cfg").withNewConfigMap().withName("game").endConfigMap().build());
        VolumeManager vm = manager();
        vm.mountsFor(pod, c);
        Path lives = dir.resolve("pods/uid-1/volumes/kubernetes.io~configmap/cfg/lives");
        vm.update(pod);

        putConfigMap("game", Map.of("lives", "5"));
        now = now.plusSeconds(5);
        vm.update(pod);
        assertThat(lives).hasContent("3");
        now = now.plus(VolumeManager.UPDATE_PERIOD);
        vm.update(pod);
        assertThat(lives).hasContent("5");

        configMaps.clear();
        now = now.plus(VolumeManager.UPDATE_PERIOD);
        vm.update(pod);
        assertThat(lives).hasContent("5");
    }

    @Test
    void projectedMergesSourcesAndRequestsABoundTokenRefreshedAt80Percent() throws Exception {
        putConfigMap("kube-root-ca.crt", Map.of("ca.crt", "CA"));
        Container c = mounting("kube-api-access", "/var/run/secrets/kubernetes.io/serviceaccount", null);
        Volume v = new VolumeBuilder().withName("kube-api-access").withNewProjected().withDefaultMode(0644)
                .addNewSource().withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L)
                .withAudience("api").endServiceAccountToken().endSource()
                .addNewSource().withNewConfigMap().withName("kube-root-ca.crt").addNewItem().withKey("ca.crt")
                .withPath("ca.crt").endItem().endConfigMap().endSource()
                .addNewSource().withNewDownwardAPI().addNewItem().withPath("namespace").withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                .endProjected().build();
        Pod pod = pod(c, v);
        VolumeManager vm = manager();
        vm.mountsFor(pod, c);

        Path vol = dir.resolve("pods/uid-1/volumes/kubernetes.io~projected/kube-api-access");
        assertThat(vol.resolve("token")).hasContent("token-1");
        assertThat(vol.resolve("ca.crt")).hasContent("CA");
        assertThat(vol.resolve("namespace")).hasContent("default");
        assertThat(tokenCalls).containsExactly("default/robot");
        var spec = tokenRequests.get(0).getSpec();
        assertThat(spec.getAudiences()).containsExactly("api");
        assertThat(spec.getExpirationSeconds()).isEqualTo(3607L);
        assertThat(spec.getBoundObjectRef().getKind()).isEqualTo("Pod");
        assertThat(spec.getBoundObjectRef().getApiVersion()).isEqualTo("v1");
        assertThat(spec.getBoundObjectRef().getName()).isEqualTo("p");
        assertThat(spec.getBoundObjectRef().getUid()).isEqualTo("uid-1");

        now = now.plus(Duration.ofMinutes(30));
        vm.update(pod);
        assertThat(tokenCalls).hasSize(1);
        assertThat(vol.resolve("token")).hasContent("token-1");
        now = now.plus(Duration.ofMinutes(19)); // past 80 % of 3607 s
        vm.update(pod);
        assertThat(tokenCalls).hasSize(2);
        assertThat(vol.resolve("token")).hasContent("token-2");
    }

    @Test
    void claimFollowsTheBoundVolumeToItsPathCreatingDirectoryOrCreate() throws Exception {
        Path data = dir.resolve("pv-data/pvc-1");
        claims.put("default/data", new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
                .withNewSpec().withVolumeName("pv-1").endSpec().withNewStatus().withPhase("Bound").endStatus().build());
        pvs.put("pv-1", new PersistentVolumeBuilder().withNewMetadata().withName("pv-1").endMetadata().withNewSpec()
                .withNewHostPath().withPath(data.toString()).withType("DirectoryOrCreate").endHostPath().endSpec()
                .build());
        Container c = mounting("d", "/data", null);
        Pod pod = pod(c, new VolumeBuilder().withName("d").withNewPersistentVolumeClaim().withClaimName("data")
                .withReadOnly(true).endPersistentVolumeClaim().build());
        VolumeManager vm = manager();

        assertThat(vm.mountsFor(pod, c)).containsExactly(new VolumeManager.Mount("/data", data.toString(), true));
        assertThat(data).isDirectory();

        claims.put("default/data", new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
                .withNewSpec().endSpec().withNewStatus().withPhase("Pending").endStatus().build());
        assertThatThrownBy(() -> vm.mountsFor(pod, c)).hasMessage("MountVolume.SetUp failed for volume \"d\" : "
                + "PVC default/data has non-bound phase (\"Pending\") or empty pvc.Spec.VolumeName (\"\")");
        claims.clear();
        assertThatThrownBy(() -> vm.mountsFor(pod, c))
                .hasMessageEndingWith("persistentvolumeclaim \"data\" not found");
        vm.tearDown("uid-1");
        assertThat(data).isDirectory(); // the claim's data outlives the pod
    }

    @Test
    void goQuoteEscapesLikeGo() {
        assertThat(DownwardApiPlugin.goQuote("a\tb\\c\u0001é")).isEqualTo("\"a\\tb\\\\c\\x01é\"");
        assertThat(DownwardApiPlugin.formatMap(Map.of("b", "2", "a", "1"))).isEqualTo("a=\"1\"\nb=\"2\"");
    }
}
