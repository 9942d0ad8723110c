package io.kube4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Describes the machine a run happens on (Linux /proc), so result lines can be compared. Stateless. */
final class Machine {
    private Machine() {
    }

    static Map<String, Object> describe(BenchOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        m.put("memTotalMb", mem == null ? null : Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("serverJava", javaVersion(o.java()));
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            FileStore fs = Files.getFileStore(tmp);
            m.put("tmpDisk", tmp + " on " + fs.name() + " (" + fs.type() + ")");
        } catch (IOException e) {
            m.put("tmpDisk", "unknown");
        }
        m.put("serverJar", o.serverJar().toString());
        return m;
    }

    /** The 1-minute load average, or -1 off Linux. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time (user + system) used so far by a process and all its live descendants, in milliseconds, from
     * /proc/PID/stat; 0 for processes that are gone.
     */
    static long processTreeCpuMillis(ProcessHandle root) {
        long ticks = cpuTicks(root.pid());
        for (ProcessHandle d : root.descendants().toList()) {
            ticks += cpuTicks(d.pid());
        }
        return ticks * 10; // USER_HZ is 100 on Linux
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    private static String javaVersion(Path java) {
        try {
            Process p = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            List<String> lines = out.lines().toList();
            return String.join(" | ", lines);
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
