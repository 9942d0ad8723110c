package io.kube4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live heap of a JVM child process: {@code jcmd PID GC.class_histogram}, which runs a full GC first, so what it
 * counts is what is reachable. Heap filler objects ({@code jdk.internal.vm.FillerElement}, unused space the GC
 * formats as arrays) are left out of the total. A value; {@link #of} blocks until jcmd answers.
 *
 * @param liveBytes bytes of reachable objects after the full GC
 * @param instances reachable objects
 * @param bytesByClass bytes per class name (the module suffix dropped), largest first as jcmd lists them
 */
record ClassHistogram(long liveBytes, long instances, Map<String, Long> bytesByClass) {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final String FILLER = "jdk.internal.vm.FillerElement";

    /** Runs jcmd (next to {@code java}, else in the bench's own JDK) against {@code pid} and parses its answer. */
    static ClassHistogram of(Path java, long pid) throws IOException, InterruptedException {
        Path jcmd = java.resolveSibling("jcmd");
        if (!Files.isExecutable(jcmd)) {
            jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        }
        // jcmd's output goes to a file, not a pipe: when the target is this JVM, its threads are stopped at the
        // histogram's safepoint and could not drain a pipe, so jcmd and the VM thread would wait on each other
        Path outFile = Files.createTempFile("kube4j-bench-histogram-", ".txt");
        String out;
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
            try {
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    throw new IOException("jcmd " + pid + " GC.class_histogram did not finish");
                }
            } finally {
                p.destroyForcibly();
            }
            out = Files.readString(outFile);
            if (p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + out);
            }
        } finally {
            Files.deleteIfExists(outFile);
        }
        return parse(out);
    }

    static ClassHistogram parse(String text) {
        Map<String, Long> bytes = new LinkedHashMap<>();
        long total = 0;
        long count = 0;
        for (String line : text.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String cls = m.group(3);
            if (cls.contains(FILLER)) {
                continue;
            }
            long b = Long.parseLong(m.group(2));
            bytes.merge(cls, b, Long::sum);
            total += b;
            count += Long.parseLong(m.group(1));
        }
        if (bytes.isEmpty()) {
            throw new IllegalArgumentException("not a class histogram: " + text.substring(0, Math.min(200, text.length())));
        }
        return new ClassHistogram(total, count, bytes);
    }

    /** Bytes of the classes whose name starts with {@code prefix} (e.g. {@code io.fabric8.kubernetes.api.model.}). */
    long bytesOf(String prefix) {
        return bytesByClass.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(Map.Entry::getValue).sum();
    }

    static double mb(long bytes) {
        return Math.round(bytes / 104_857.6) / 10.0;
    }
}
