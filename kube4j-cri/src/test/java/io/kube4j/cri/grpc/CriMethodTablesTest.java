package io.kube4j.cri.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.kube4j.cri.api.CriApiProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-built gRPC tables must name every call of the proto services, with the proto's message types. */
class CriMethodTablesTest {

    @Test
    void runtimeTableMatchesTheProtoService() {
        assertMatches(CriApiProto.getDescriptor().findServiceByName("RuntimeService"), RuntimeServiceMethods.SERVICE,
                RuntimeServiceMethods.ALL);
    }

    @Test
    void imageTableMatchesTheProtoService() {
        assertMatches(CriApiProto.getDescriptor().findServiceByName("ImageService"), ImageServiceMethods.SERVICE,
                ImageServiceMethods.ALL);
    }

    private static void assertMatches(ServiceDescriptor service, String name, List<? extends CriMethod<?, ?, ?>> table) {
        assertThat(service.getFullName()).isEqualTo(name);
        assertThat(table).extracting(CriMethod::name)
                .containsExactlyElementsOf(service.getMethods().stream().map(MethodDescriptor::getName).toList());
        for (CriMethod<?, ?, ?> method : table) {
            MethodDescriptor proto = service.findMethodByName(method.name());
            assertThat(method.descriptor().getFullMethodName()).isEqualTo(name + "/" + proto.getName());
            assertThat(method.descriptor().getType()).isEqualTo(io.grpc.MethodDescriptor.MethodType.UNARY);
            assertThat(requestType(method)).isEqualTo(proto.getInputType().getFullName());
            assertThat(responseType(method)).isEqualTo(proto.getOutputType().getFullName());
        }
    }

    private static String requestType(CriMethod<?, ?, ?> method) {
        return ((io.grpc.MethodDescriptor.PrototypeMarshaller<?>) method.descriptor().getRequestMarshaller())
                .getMessagePrototype() instanceof com.google.protobuf.Message m
                ? m.getDescriptorForType().getFullName() : "";
    }

    private static String responseType(CriMethod<?, ?, ?> method) {
        return ((io.grpc.MethodDescriptor.PrototypeMarshaller<?>) method.descriptor().getResponseMarshaller())
                .getMessagePrototype() instanceof com.google.protobuf.Message m
                ? m.getDescriptorForType().getFullName() : "";
    }
}
