package io.kube4j.node.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads single small files out of a tar archive (ustar or GNU; pax headers are skipped), such as
 * an OCI layout's {@code index.json}. Used by {@link ImageImporter}. Stateless and thread-safe.
 */
final class TarReader {

    private static final int BLOCK = 512;
    private static final int MAX_FILE = 16 * 1024 * 1024;

    private TarReader() {
    }

    /** The content of {@code name} (leading "./" ignored), or null if the archive has no such regular file. */
    static byte[] readFile(Path archive, String name) throws IOException {
        try (InputStream in = Files.newInputStream(archive)) {
            byte[] header = new byte[BLOCK];
            while (in.readNBytes(header, 0, BLOCK) == BLOCK) {
                if (isZero(header)) {
                    return null;
                }
                String path = string(header, 345, 155);
                path = path.isEmpty() ? string(header, 0, 100) : path + "/" + string(header, 0, 100);
                while (path.startsWith("./")) {
                    path = path.substring(2);
                }
                long size = Long.parseLong(string(header, 124, 12).trim().isEmpty() ? "0" : string(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if ((type == '0' || type == 0) && path.equals(name)) {
                    if (size > MAX_FILE) {
                        throw new IOException(name + " in " + archive + " is too large");
                    }
                    return in.readNBytes((int) size);
                }
                in.skipNBytes(padded);
            }
        }
        return null;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] h, int offset, int len) {
        int end = offset;
        while (end < offset + len && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }
}
