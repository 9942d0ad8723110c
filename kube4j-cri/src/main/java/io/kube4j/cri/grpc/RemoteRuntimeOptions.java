package io.kube4j.cri.grpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a {@link RemoteRuntime}: per-call deadlines and the largest message accepted.
 *
 * @param requestTimeout deadline of every call except pulls; StopContainer and ExecSync add their own timeout
 *                       to it, as upstream's kubelet does
 * @param pullTimeout    deadline of PullImage
 * @param maxMessageBytes largest response accepted (upstream's kubelet uses 16 MiB)
 */
public record RemoteRuntimeOptions(Duration requestTimeout, Duration pullTimeout, int maxMessageBytes) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    public RemoteRuntimeOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(pullTimeout, "pullTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (pullTimeout.isNegative() || pullTimeout.isZero()) {
            throw new IllegalArgumentException("pullTimeout must be positive: " + pullTimeout);
        }
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes must be positive: " + maxMessageBytes);
        }
    }

    public static RemoteRuntimeOptions defaults() {
        return new RemoteRuntimeOptions(DEFAULT_REQUEST_TIMEOUT, DEFAULT_PULL_TIMEOUT, DEFAULT_MAX_MESSAGE_BYTES);
    }

    public RemoteRuntimeOptions withRequestTimeout(Duration timeout) {
        return new RemoteRuntimeOptions(timeout, pullTimeout, maxMessageBytes);
    }

    public RemoteRuntimeOptions withPullTimeout(Duration timeout) {
        return new RemoteRuntimeOptions(requestTimeout, timeout, maxMessageBytes);
    }
}
