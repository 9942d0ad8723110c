package io.kube4j.apimachinery.protobuf;

/** A protobuf body that cannot be decoded: malformed bytes or a type the schema does not know. */
public final class ProtobufException extends RuntimeException {
    public ProtobufException(String message) {
        super(message);
    }
}
