package io.kube4j.node.kubelet.volume;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a volume's files so that readers never see a half-written set, with upstream's layout: the payload goes
 * into a fresh hidden directory {@code ..2026_11_25_04_20_00.123456789}, a symlink {@code ..data} pointing at it is
 * swapped in with one rename, and each top-level name the user sees is a symlink {@code key -> ..data/key}. Names
 * dropped from the payload disappear; the previous timestamped directory is removed after the swap. Not
 * thread-safe: one writer per directory (the pod's worker).
 */
public final class AtomicWriter {
    static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss")
            .withZone(ZoneOffset.UTC);

    /** One file of the payload: its bytes and permission bits (e.g. {@code 0644}). */
    public record FileProjection(byte[] data, int mode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileProjection f && f.mode == mode && Arrays.equals(f.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data) * 31 + mode;
        }
    }

    private final Path target;
    private final Clock clock;
    private final Random random;

    public AtomicWriter(Path target, Clock clock, Random random) {
        this.target = target;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Makes the directory hold exactly this payload (relative paths, {@code a/b} allowed).
     *
     * @return whether anything was written (false when the current data already matches)
     */
    public boolean write(Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> files = new TreeMap<>();
        for (var e : payload.entrySet()) {
            files.put(validate(e.getKey()), e.getValue());
        }
        Files.createDirectories(target);
        Path data = target.resolve(DATA);
        Path oldDir = Files.isSymbolicLink(data) ? target.resolve(Files.readSymbolicLink(data)) : null;
        if (oldDir != null && Files.isDirectory(oldDir) && files.equals(read(oldDir))) {
            ensureUserLinks(files.keySet());
            return false;
        }
        Path newDir = newStampDir();
        for (var e : files.entrySet()) {
            Path f = newDir.resolve(e.getKey());
            Path parent = f.getParent();
            if (!parent.equals(newDir)) {
                Files.createDirectories(parent);
                for (Path p = parent; !p.equals(newDir); p = p.getParent()) {
                    Files.setPosixFilePermissions(p, permissions(0755));
                }
            }
            Files.write(f, e.getValue().data());
            Files.setPosixFilePermissions(f, permissions(e.getValue().mode()));
        }
        Path tmp = target.resolve(DATA_TMP);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, newDir.getFileName());
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
        Set<String> top = ensureUserLinks(files.keySet());
        try (Stream<Path> entries = Files.list(target)) {
            for (Path p : entries.toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith("..") && !top.contains(name)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        if (oldDir != null && !oldDir.equals(newDir)) {
            deleteTree(oldDir);
        }
        return true;
    }

    private Set<String> ensureUserLinks(Set<String> paths) throws IOException {
        Set<String> top = new LinkedHashSet<>();
        for (String p : paths) {
            int slash = p.indexOf('/');
            top.add(slash < 0 ? p : p.substring(0, slash));
        }
        for (String name : top) {
            Path link = target.resolve(name);
            if (!Files.isSymbolicLink(link)) {
                try {
                    Files.createSymbolicLink(link, Path.of(DATA, name));
                } catch (FileAlreadyExistsException e) {
                    throw new IOException("cannot project " + name + ": a file of that name is in the way", e);
                }
            }
        }
        return top;
    }

    private Path newStampDir() throws IOException {
        String stamp = ".." + STAMP.format(clock.instant()) + ".";
        for (int i = 0; i < 100; i++) {
            Path dir = target.resolve(stamp + String.format("%09d", random.nextInt(1_000_000_000)));
            try {
                Files.createDirectory(dir);
                Files.setPosixFilePermissions(dir, permissions(0755));
                return dir;
            } catch (FileAlreadyExistsException e) {
                // try another suffix
            }
        }
        throw new IOException("no free timestamped directory in " + target);
    }

    private static Map<String, FileProjection> read(Path dir) throws IOException {
        Map<String, FileProjection> out = new HashMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), new FileProjection(Files.readAllBytes(f),
                        mode(Files.getPosixFilePermissions(f, LinkOption.NOFOLLOW_LINKS))));
            }
        }
        return out;
    }

    /** Upstream's rules: relative, no {@code ..} element, and not starting with {@code ..} (reserved names). */
    static String validate(String path) throws IOException {
        if (path.isEmpty() || path.startsWith("/") || path.startsWith("..")) {
            throw new IOException("invalid path " + path + ": must be relative and may not start with '..'");
        }
        for (String part : path.split("/")) {
            if (part.equals("..") || part.isEmpty()) {
                throw new IOException("invalid path " + path + ": must not contain '..' or empty elements");
            }
        }
        return path;
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }

    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission p : perms) {
            m |= switch (p) {
                case OTHERS_EXECUTE -> 1;
                case OTHERS_WRITE -> 2;
                case OTHERS_READ -> 4;
                case GROUP_EXECUTE -> 010;
                case GROUP_WRITE -> 020;
                case GROUP_READ -> 040;
                case OWNER_EXECUTE -> 0100;
                case OWNER_WRITE -> 0200;
                case OWNER_READ -> 0400;
            };
        }
        return m;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
