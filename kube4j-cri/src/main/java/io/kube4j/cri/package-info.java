/**
 * The container runtime interface: kube4j's view of CRI v1 ({@code runtime.v1}).
 *
 * <p>{@link io.kube4j.cri.RuntimeService} and {@link io.kube4j.cri.ImageService} take and return the generated
 * messages of {@code io.kube4j.cri.api} (from {@code src/main/proto/runtime/v1/api.proto}) and fail with
 * {@link io.kube4j.cri.CriException}. Implementations: {@code grpc.RemoteRuntime} (containerd over its socket)
 * and {@code fake.FakeRuntime} (in memory, for tests).
 */
package io.kube4j.cri;
