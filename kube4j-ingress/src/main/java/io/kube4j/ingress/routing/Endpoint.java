package io.kube4j.ingress.routing;

/** A ready endpoint of a backend: a pod IP and the port to dial. */
public record Endpoint(String ip, int port) {
}
