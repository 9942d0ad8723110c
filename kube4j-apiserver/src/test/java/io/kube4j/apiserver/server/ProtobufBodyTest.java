package io.kube4j.apiserver.server;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Request bodies in Kubernetes protobuf, as kubectl's typed clients send them, over real HTTPS. */
class ProtobufBodyTest extends InProcessServerTest {
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    static HttpClient http;

    @BeforeAll
    static void start() {
        http = client.getHttpClient();
    }

    @Test
    void kubectlCreateDeploymentBodyIsAccepted() throws Exception {
        byte[] body;
        try (InputStream in = ProtobufBodyTest.class.getResourceAsStream("kubectl-create-deployment.pb")) {
            body = in.readAllBytes();
        }
        HttpResponse<String> resp = send(http.newHttpRequestBuilder()
                .uri(server.url() + "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict")
                .header("Accept", PROTOBUF + ",application/json")
                .post(PROTOBUF, body));

        assertThat(resp.code()).as(resp.body()).isEqualTo(201);
        assertThat(resp.header("Content-Type")).startsWith("application/json");
        Deployment d = client.apps().deployments().inNamespace("default").withName("kubia").get();
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("luksa/kubia");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort())
                .isEqualTo(8080);
    }

    @Test
    void deleteOptionsMayComeAsProtobuf() throws Exception {
        client.configMaps().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("gone").endMetadata().build()).create();
        // DeleteOptions{gracePeriodSeconds: 0, preconditions: {uid: "not-the-uid"}}
        byte[] preconditions = field(1, "not-the-uid".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream opts = new ByteArrayOutputStream();
        opts.write(new byte[]{0x08, 0x00});
        opts.writeBytes(field(2, preconditions));
        byte[] body = envelope("v1", "DeleteOptions", opts.toByteArray());

        HttpResponse<String> resp = send(http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/namespaces/default/configmaps/gone")
                .method("DELETE", PROTOBUF, new ByteArrayInputStream(body), (long) body.length));

        // the precondition was read from the protobuf body, so the delete is refused as upstream refuses it
        assertThat(resp.code()).as(resp.body()).isEqualTo(409);
        assertThat(resp.body()).contains("Precondition failed: UID in precondition: not-the-uid");
    }

    @Test
    void malformedProtobufIsABadRequest() throws Exception {
        byte[] body = {'k', '8', 's', 0, 0x0a, 0x7f};
        HttpResponse<String> resp = send(http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/namespaces/default/configmaps")
                .post(PROTOBUF, body));

        assertThat(resp.code()).isEqualTo(400);
        assertThat(resp.body()).contains("runs past the end of the data");
    }

    @Test
    void protobufOnlyResponsesAreNotAcceptable() throws Exception {
        HttpResponse<String> resp = send(http.newHttpRequestBuilder()
                .uri(server.url() + "/api/v1/namespaces/default/configmaps")
                .header("Accept", PROTOBUF));

        assertThat(resp.code()).isEqualTo(406);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.sendAsync(b.build(), String.class).get();
    }

    private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        ByteArrayOutputStream typeMeta = new ByteArrayOutputStream();
        typeMeta.writeBytes(field(1, apiVersion.getBytes(StandardCharsets.UTF_8)));
        typeMeta.writeBytes(field(2, kind.getBytes(StandardCharsets.UTF_8)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{'k', '8', 's', 0});
        out.writeBytes(field(1, typeMeta.toByteArray()));
        out.writeBytes(field(2, raw));
        return out.toByteArray();
    }

    /** A length-delimited field; every length here is below 128, so it is one varint byte. */
    private static byte[] field(int number, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(number << 3 | 2);
        out.write(value.length);
        out.writeBytes(value);
        return out.toByteArray();
    }
}
