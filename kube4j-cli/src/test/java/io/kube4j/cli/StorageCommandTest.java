package io.kube4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.resources.admission.AdmissionPlugins;
import io.kube4j.apiserver.server.ApiServer;
import io.kube4j.apiserver.server.ApiServerOptions;
import io.kube4j.storage.KeyValue;
import io.kube4j.storage.etcd.EtcdCluster;
import io.kube4j.storage.etcd.EtcdOptions;
import io.kube4j.storage.etcd.EtcdStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Moving a cluster from the embedded store to etcd with {@code kube4j storage export} and {@code import}. */
class StorageCommandTest {
    private static final String NAMESPACE_KEY = "/registry/core/namespaces/kube-system";
    private static final String SERVICE_KEY = "/registry/core/services/default/kubernetes";

    @TempDir
    Path dir;

    private record Run(int code, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Kube4jCommand());
        cmd.setErr(new PrintWriter(err));
        java.io.PrintStream oldErr = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = cmd.execute(args);
            return new Run(code, err + captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    private static JsonNode object(KeyValue kv) {
        return Json.parse(kv.value());
    }

    @Test
    @Timeout(120)
    void aClusterMovesFromTheEmbeddedStoreToEtcdWithItsObjectsAndIdentity() throws Exception {
        Path old = dir.resolve("old");
        ApiServer embedded = new ApiServer(new ApiServerOptions(old, "127.0.0.1", 0, "embedded", null, null, null,
                AdmissionPlugins.without("ServiceAccount"))).start();
        JsonNode namespace = object(embedded.storage().get(NAMESPACE_KEY));
        JsonNode service = object(embedded.storage().get(SERVICE_KEY));
        String ca = embedded.pki().caPem();
        String token = embedded.nodeJoin().token();
        embedded.close();

        Path export = dir.resolve("cluster.jsonl");
        Run exported = run("storage", "export", "--data-dir", old.toString(), "--file", export.toString());
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(exported.err()).containsPattern("exported \\d+ objects to ");
        assertThat(Files.readAllLines(export).getFirst()).contains("\"format\":\"kube4j-storage-export\"");

        try (EtcdCluster etcd = EtcdCluster.single()) {
            String endpoints = etcd.endpoints().getFirst().toString();
            Path fresh = dir.resolve("new");
            Run imported = run("storage", "import", "--data-dir", fresh.toString(), "--storage", "etcd",
                    "--etcd-endpoints", endpoints, "--file", export.toString());
            assertThat(imported.code()).as(imported.err()).isZero();
            // a second import finds the objects there and changes nothing
            Run again = run("storage", "import", "--data-dir", fresh.toString(), "--storage", "etcd",
                    "--etcd-endpoints", endpoints, "--file", export.toString());
            assertThat(again.code()).isEqualTo(1);
            assertThat(again.err()).contains("kube4j storage import: the store already holds objects");

            EtcdOptions options = etcd.options(EtcdOptions.DEFAULT_PREFIX);
            ApiServer onEtcd = new ApiServer(new ApiServerOptions(fresh, "127.0.0.1", 0, "etcd", null, null, null,
                    AdmissionPlugins.without("ServiceAccount")), () -> new EtcdStorage(options)).start();
            try {
                // the same objects (uids, creation times, the service's cluster IP) and the same cluster identity
                JsonNode ns = object(onEtcd.storage().get(NAMESPACE_KEY));
                assertThat(ns.at("/metadata/uid")).isEqualTo(namespace.at("/metadata/uid"));
                assertThat(ns.at("/metadata/creationTimestamp")).isEqualTo(namespace.at("/metadata/creationTimestamp"));
                JsonNode svc = object(onEtcd.storage().get(SERVICE_KEY));
                assertThat(svc.at("/metadata/uid")).isEqualTo(service.at("/metadata/uid"));
                assertThat(svc.at("/spec/clusterIP")).isEqualTo(service.at("/spec/clusterIP"));
                assertThat(onEtcd.pki().caPem()).isEqualTo(ca);
                assertThat(onEtcd.nodeJoin().token()).isEqualTo(token);
            } finally {
                onEtcd.close();
            }
        }
    }

    @Test
    void importRefusesWhatIsNotAnExport() throws Exception {
        Path bogus = Files.writeString(dir.resolve("bogus.jsonl"), "{\"kind\":\"List\"}\n");
        Run r = run("storage", "import", "--data-dir", dir.resolve("d").toString(), "--file", bogus.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("not a kube4j storage export");
        assertThat(run("storage", "export", "--storage", "memory").code()).isEqualTo(2);
    }
}
