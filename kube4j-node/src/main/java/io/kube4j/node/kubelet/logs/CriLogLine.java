package io.kube4j.node.kubelet.logs;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * One line of a CRI log file: {@code TIMESTAMP STREAM TAG CONTENT}, where TIMESTAMP is RFC 3339
 * with nanoseconds, STREAM is stdout or stderr and TAG is {@code F} (full line) or {@code P}
 * (partial: the content continues on a following line of the same stream). Tags may carry more
 * flags after a colon; only the first one matters.
 *
 * @param time    when the runtime read the line, with the offset the runtime wrote
 * @param stream  "stdout" or "stderr"
 * @param partial whether the content has no line end of its own
 * @param content the bytes the container wrote, with "\n" added for a full line
 */
public record CriLogLine(OffsetDateTime time, String stream, boolean partial, byte[] content) {

    /** Upstream's output format for {@code timestamps=true}: always nine fraction digits. */
    public static final DateTimeFormatter OUTPUT_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX");

    /**
     * Parses one file line without its trailing "\n".
     *
     * @throws IllegalArgumentException when the line does not follow the format
     */
    public static CriLogLine parse(byte[] line, int from, int to) {
        int sp1 = indexOf(line, from, to, (byte) ' ');
        if (sp1 < 0) {
            throw new IllegalArgumentException("timestamp is not found");
        }
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(new String(line, from, sp1 - from, StandardCharsets.US_ASCII),
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("unexpected timestamp format: " + e.getMessage());
        }
        int sp2 = indexOf(line, sp1 + 1, to, (byte) ' ');
        if (sp2 < 0) {
            throw new IllegalArgumentException("stream type is not found");
        }
        String stream = new String(line, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.US_ASCII);
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new IllegalArgumentException("unexpected stream type \"" + stream + "\"");
        }
        int sp3 = indexOf(line, sp2 + 1, to, (byte) ' ');
        int tagEnd = sp3 < 0 ? to : sp3;
        String tag = new String(line, sp2 + 1, tagEnd - sp2 - 1, StandardCharsets.US_ASCII);
        int colon = tag.indexOf(':');
        boolean partial = (colon < 0 ? tag : tag.substring(0, colon)).equals("P");
        int contentFrom = sp3 < 0 ? to : sp3 + 1;
        byte[] content;
        if (partial) {
            content = Arrays.copyOfRange(line, contentFrom, to);
        } else {
            content = Arrays.copyOfRange(line, contentFrom, to + 1);
            content[content.length - 1] = '\n';
        }
        return new CriLogLine(time, stream, partial, content);
    }

    public static CriLogLine parse(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
