package io.kube4j.node.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal POSIX ustar writer: directories, regular files and symbolic links, owned by root, with
 * one fixed mtime so the same input always gives the same bytes.
 *
 * <p>Used by {@link OciImageWriter} for image layers and the image archive. Not thread-safe.
 * Closing finishes the archive (two zero blocks) and closes the underlying stream.
 */
public final class TarWriter implements AutoCloseable {

    /** The modification time of every entry: 2000-01-01T00:00:00Z, for stable image digests. */
    public static final long MTIME = 946_684_800L;

    private static final int BLOCK = 512;

    private final OutputStream out;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** A directory; {@code path} without a leading slash, with or without a trailing one. */
    public void directory(String path, int mode) throws IOException {
        String name = path.endsWith("/") ? path : path + "/";
        out.write(header(name, mode, 0, '5', ""));
    }

    /** A regular file holding {@code content}. */
    public void file(String path, int mode, byte[] content) throws IOException {
        out.write(header(path, mode, content.length, '0', ""));
        out.write(content);
        int pad = (BLOCK - content.length % BLOCK) % BLOCK;
        out.write(new byte[pad]);
    }

    /** A symbolic link to {@code target}. */
    public void symlink(String path, String target) throws IOException {
        out.write(header(path, 0777, 0, '2', target));
    }

    @Override
    public void close() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.close();
    }

    static byte[] header(String path, int mode, long size, char type, String linkName) {
        byte[] h = new byte[BLOCK];
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[0];
        if (name.length > 100) {
            // ustar splits long names at a slash into prefix (155) and name (100).
            int split = path.lastIndexOf('/', path.endsWith("/") ? path.length() - 2 : path.length() - 1);
            while (split > 0 && (split > 155 || path.substring(split + 1).getBytes(StandardCharsets.UTF_8).length > 100)) {
                split = path.lastIndexOf('/', split - 1);
            }
            if (split <= 0) {
                throw new IllegalArgumentException("path too long for ustar: " + path);
            }
            prefix = path.substring(0, split).getBytes(StandardCharsets.UTF_8);
            name = path.substring(split + 1).getBytes(StandardCharsets.UTF_8);
        }
        byte[] link = linkName.getBytes(StandardCharsets.UTF_8);
        if (link.length > 100) {
            throw new IllegalArgumentException("link target too long for ustar: " + linkName);
        }
        System.arraycopy(name, 0, h, 0, name.length);
        octal(h, 100, 8, mode & 07777);
        octal(h, 108, 8, 0); // uid
        octal(h, 116, 8, 0); // gid
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = (byte) type;
        System.arraycopy(link, 0, h, 157, link.length);
        ascii(h, 257, "ustar\0");
        ascii(h, 263, "00");
        ascii(h, 265, "root");
        ascii(h, 297, "root");
        System.arraycopy(prefix, 0, h, 345, prefix.length);
        // The checksum is computed with its own field read as eight spaces.
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        String chk = String.format("%06o", sum);
        ascii(h, 148, chk);
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void octal(byte[] h, int offset, int width, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > width - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a ustar field of " + width);
        }
        String padded = "0".repeat(width - 1 - s.length()) + s;
        ascii(h, offset, padded);
        h[offset + width - 1] = 0;
    }

    private static void ascii(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }
}
