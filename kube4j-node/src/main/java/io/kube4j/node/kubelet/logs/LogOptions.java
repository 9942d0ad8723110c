package io.kube4j.node.kubelet.logs;

import java.time.Instant;

/**
 * What part of a container log to return, after upstream's {@code PodLogOptions} as the kubelet
 * applies them.
 *
 * @param follow     keep reading as the file grows until the container is gone
 * @param tailLines  number of file lines to start from, counted from the end; negative for all
 * @param sinceTime  drop lines logged before this instant; null for none (sinceSeconds is turned
 *                   into an instant by the caller, from its clock)
 * @param timestamps prefix each line with its RFC 3339 time, nine fraction digits
 * @param limitBytes stop after this many bytes of output; negative for no limit
 */
public record LogOptions(boolean follow, long tailLines, Instant sinceTime, boolean timestamps, long limitBytes) {

    /** The whole log, once, as it is. */
    public static final LogOptions DEFAULT = new LogOptions(false, -1, null, false, -1);

    public LogOptions withFollow(boolean f) {
        return new LogOptions(f, tailLines, sinceTime, timestamps, limitBytes);
    }

    public LogOptions withTailLines(long n) {
        return new LogOptions(follow, n, sinceTime, timestamps, limitBytes);
    }

    public LogOptions withSinceTime(Instant t) {
        return new LogOptions(follow, tailLines, t, timestamps, limitBytes);
    }

    public LogOptions withTimestamps(boolean t) {
        return new LogOptions(follow, tailLines, sinceTime, t, limitBytes);
    }

    public LogOptions withLimitBytes(long n) {
        return new LogOptions(follow, tailLines, sinceTime, timestamps, n);
    }
}
