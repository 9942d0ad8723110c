package io.kube4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of a child process by thread kind, from /proc/PID/task, to tell apart where a process spends its CPU
 * (the scheduling loop, JIT compiler threads, HTTP client threads, GC) without a profiler. Stateless.
 */
final class ThreadCpu {
    private ThreadCpu() {
    }

    /**
     * CPU time so far by thread kind, in milliseconds (at the usual 100 clock ticks a second): thread names with
     * their digits dropped ({@code C CompilerThre}, {@code scheduler}, {@code HttpClient--SelectorManager}...),
     * largest first. Threads that already ended are not counted. Empty when unknown.
     */
    static Map<String, Long> byKind(long pid) {
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "");
                    String stat = Files.readString(t.resolve("stat"));
                    // fields after the command name, which is in parentheses: utime and stime are the 12th and 13th
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.merge(comm, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        ticks.entrySet().stream().filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.put(e.getKey(), e.getValue() * 10));
        return out;
    }
}
