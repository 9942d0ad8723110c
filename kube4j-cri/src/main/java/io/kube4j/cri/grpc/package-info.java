/**
 * CRI over gRPC: the client ({@link io.kube4j.cri.grpc.RemoteRuntime}), one method table per service built from
 * the generated messages (no generated stubs, no native protoc plugin), and {@link io.kube4j.cri.grpc.CriServices}
 * to serve any implementation.
 */
package io.kube4j.cri.grpc;
