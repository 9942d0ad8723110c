package io.kube4j.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** The manifests of "Kubernetes in Action" chapter 3 and small variations, as text, plus a way to write them to files. */
public final class Manifests {
    private Manifests() {
    }

    /** The book's kubia-manual.yaml. */
    public static final String KUBIA_MANUAL_YAML = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubia-manual
            spec:
              containers:
              - image: luksa/kubia
                name: kubia
                ports:
                - containerPort: 8080
                  protocol: TCP
            """;

    /** The same pod as JSON. */
    public static final String KUBIA_MANUAL_JSON = """
            {
              "apiVersion": "v1",
              "kind": "Pod",
              "metadata": {"name": "kubia-manual"},
              "spec": {
                "containers": [
                  {"image": "luksa/kubia", "name": "kubia", "ports": [{"containerPort": 8080, "protocol": "TCP"}]}
                ]
              }
            }
            """;

    /** A kubia pod named {@code name} with {@code labels} (kubia-manual-with-labels.yaml when labels are creation_method/env). */
    public static String pod(String name, Map<String, String> labels) {
        String labelBlock = labels.isEmpty() ? "" : "  labels:\n" + labels.entrySet().stream()
                .map(e -> "    " + e.getKey() + ": \"" + e.getValue() + "\"\n").collect(Collectors.joining());
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                %sspec:
                  containers:
                  - image: luksa/kubia
                    name: kubia
                    ports:
                    - containerPort: 8080
                      protocol: TCP
                """.formatted(name, labelBlock);
    }

    public static String pod(String name) {
        return pod(name, Map.of());
    }

    /** The book's kubia-rc.yaml (chapter 4), used by the scale tests. */
    public static String replicationController(String name, int replicas) {
        return """
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: %1$s
                spec:
                  replicas: %2$d
                  selector:
                    app: %1$s
                  template:
                    metadata:
                      labels:
                        app: %1$s
                    spec:
                      containers:
                      - name: kubia
                        image: luksa/kubia
                        ports:
                        - containerPort: 8080
                """.formatted(name, replicas);
    }

    /** The book's kubia-replicaset.yaml. */
    public static String replicaSet(String name, int replicas) {
        return """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: %1$s
                spec:
                  replicas: %2$d
                  selector:
                    matchLabels:
                      app: %1$s
                  template:
                    metadata:
                      labels:
                        app: %1$s
                    spec:
                      containers:
                      - name: kubia
                        image: luksa/kubia
                """.formatted(name, replicas);
    }

    /** Writes {@code content} to {@code dir/fileName} and returns the file. */
    public static Path write(Path dir, String fileName, String content) {
        try {
            Path f = dir.resolve(fileName);
            Files.writeString(f, content);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
