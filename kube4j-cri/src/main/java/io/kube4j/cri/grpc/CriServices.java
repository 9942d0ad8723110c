package io.kube4j.cri.grpc;

import com.google.protobuf.Message;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.kube4j.cri.CriException;
import io.kube4j.cri.ImageService;
import io.kube4j.cri.RuntimeService;
import java.util.List;

/**
 * Serves a {@link RuntimeService} and an {@link ImageService} over gRPC, so that any implementation (the
 * fake runtime in tests, for one) can stand behind a real CRI socket. {@link CriException}s become gRPC
 * statuses with the same code and description; any other exception becomes {@code Unknown}.
 *
 * <p>Used by tests and tools that need a CRI endpoint. The implementations are called concurrently from gRPC's
 * executor and must be thread-safe.
 */
public final class CriServices {

    private CriServices() {
    }

    public static ServerServiceDefinition runtime(RuntimeService impl) {
        return bind(RuntimeServiceMethods.SERVICE, RuntimeServiceMethods.ALL, impl);
    }

    public static ServerServiceDefinition image(ImageService impl) {
        return bind(ImageServiceMethods.SERVICE, ImageServiceMethods.ALL, impl);
    }

    private static <S> ServerServiceDefinition bind(String service, List<CriMethod<S, ?, ?>> methods, S impl) {
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service);
        for (CriMethod<S, ?, ?> method : methods) {
            add(builder, method, impl);
        }
        return builder.build();
    }

    private static <S, Q extends Message, R extends Message> void add(
            ServerServiceDefinition.Builder builder, CriMethod<S, Q, R> method, S impl) {
        builder.addMethod(method.descriptor(), ServerCalls.asyncUnaryCall((request, observer) -> {
            R response;
            try {
                response = method.invoker().apply(impl, request);
            } catch (CriException e) {
                observer.onError(Status.fromCode(Status.Code.valueOf(e.code().name()))
                        .withDescription(e.description())
                        .asRuntimeException());
                return;
            } catch (RuntimeException e) {
                observer.onError(Status.UNKNOWN.withDescription(String.valueOf(e.getMessage()))
                        .withCause(e)
                        .asRuntimeException());
                return;
            }
            observer.onNext(response);
            observer.onCompleted();
        }));
    }
}
