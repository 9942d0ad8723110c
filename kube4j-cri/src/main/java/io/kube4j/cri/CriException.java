package io.kube4j.cri;

import java.util.Objects;

/**
 * A failed CRI call: the runtime's gRPC status code and its description.
 *
 * <p>Thrown by every {@link RuntimeService} and {@link ImageService} implementation. The message reads
 * like the Go gRPC error string ({@code rpc error: code = NotFound desc = ...}) because upstream's kubelet
 * puts that string into events and container statuses that users see. Immutable.
 */
public final class CriException extends RuntimeException {

    /** gRPC status codes, with the names Go prints for them. */
    public enum Code {
        OK("OK"),
        CANCELLED("Canceled"),
        UNKNOWN("Unknown"),
        INVALID_ARGUMENT("InvalidArgument"),
        DEADLINE_EXCEEDED("DeadlineExceeded"),
        NOT_FOUND("NotFound"),
        ALREADY_EXISTS("AlreadyExists"),
        PERMISSION_DENIED("PermissionDenied"),
        RESOURCE_EXHAUSTED("ResourceExhausted"),
        FAILED_PRECONDITION("FailedPrecondition"),
        ABORTED("Aborted"),
        OUT_OF_RANGE("OutOfRange"),
        UNIMPLEMENTED("Unimplemented"),
        INTERNAL("Internal"),
        UNAVAILABLE("Unavailable"),
        DATA_LOSS("DataLoss"),
        UNAUTHENTICATED("Unauthenticated");

        private final String goName;

        Code(String goName) {
            this.goName = goName;
        }

        /** The name as Go's {@code codes.Code.String()} gives it, e.g. {@code NotFound}. */
        public String goName() {
            return goName;
        }
    }

    private final Code code;
    private final String description;

    public CriException(Code code, String description) {
        this(code, description, null);
    }

    public CriException(Code code, String description, Throwable cause) {
        super("rpc error: code = " + Objects.requireNonNull(code).goName() + " desc = "
                + (description == null ? "" : description), cause);
        this.code = code;
        this.description = description == null ? "" : description;
    }

    public Code code() {
        return code;
    }

    /** The runtime's own message, without the {@code rpc error} prefix. */
    public String description() {
        return description;
    }

    public boolean isNotFound() {
        return code == Code.NOT_FOUND;
    }

    public boolean isDeadlineExceeded() {
        return code == Code.DEADLINE_EXCEEDED;
    }

    public boolean isUnavailable() {
        return code == Code.UNAVAILABLE;
    }

    public static CriException notFound(String description) {
        return new CriException(Code.NOT_FOUND, description);
    }

    public static CriException unknown(String description) {
        return new CriException(Code.UNKNOWN, description);
    }
}
