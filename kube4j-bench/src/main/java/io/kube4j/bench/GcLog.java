package io.kube4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stop-the-world pauses in a unified JVM GC log ({@code -Xlog:gc:file=PATH}): lines such as
 * {@code [12.345s][info][gc] GC(7) Pause Young (Allocation Failure) 90M->30M(200M) 12.345ms}. Full GCs a heap
 * reading asked for ({@code Heap Inspection Initiated GC}, {@code Heap Dump Initiated GC}) are the bench's own and
 * are left out. A value.
 *
 * @param pauses    every pause, in log order, in milliseconds
 * @param maxMs     the longest pause
 * @param totalMs   all pauses together
 */
record GcLog(List<Double> pauses, double maxMs, double totalMs) {
    private static final Pattern PAUSE = Pattern.compile("\\bPause\\b.*\\s([0-9]+(?:\\.[0-9]+)?)ms\\s*$");

    /**
     * The JVM flag that writes the log this class reads. ZGC logs its (short) pauses only under gc+phases
     * ({@code Pause Mark Start 0.012ms}); Serial and G1 log theirs under gc, and their phase lines say no "Pause".
     */
    static String flag(Path file) {
        return "-Xlog:gc,gc+phases:file=" + file;
    }

    static GcLog read(Path file) throws IOException {
        return parse(Files.exists(file) ? Files.readAllLines(file) : List.of());
    }

    static GcLog parse(List<String> lines) {
        List<Double> pauses = lines.stream().filter(l -> !l.contains("Initiated GC")).map(PAUSE::matcher)
                .filter(Matcher::find)
                .map(m -> Double.parseDouble(m.group(1))).toList();
        return new GcLog(pauses, pauses.stream().mapToDouble(d -> d).max().orElse(0),
                pauses.stream().mapToDouble(d -> d).sum());
    }

    long longerThan(double ms) {
        return pauses.stream().filter(p -> p > ms).count();
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pauses", pauses.size());
        m.put("pausesOver100Ms", longerThan(100));
        m.put("maxPauseMs", Math.round(maxMs * 10) / 10.0);
        m.put("totalPauseMs", Math.round(totalMs));
        return m;
    }
}
