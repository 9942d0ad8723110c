package io.kube4j.cri.grpc;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import java.util.function.BiFunction;

/**
 * One unary CRI call: its gRPC descriptor and the Java interface method that serves it.
 *
 * <p>The client calls the descriptor; {@link CriServices} binds the same entry to an implementation. Immutable.
 *
 * @param <S> the Java service interface ({@code RuntimeService} or {@code ImageService})
 */
public record CriMethod<S, Q extends Message, R extends Message>(
        MethodDescriptor<Q, R> descriptor, BiFunction<S, Q, R> invoker) {

    static <S, Q extends Message, R extends Message> CriMethod<S, Q, R> unary(
            String service, String method, Q request, R response, BiFunction<S, Q, R> invoker) {
        MethodDescriptor<Q, R> descriptor = MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
        return new CriMethod<>(descriptor, invoker);
    }

    /** The method's bare name, e.g. {@code RunPodSandbox}. */
    public String name() {
        return descriptor.getBareMethodName();
    }
}
