package io.kube4j.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Resident memory of a started server that has sat idle for a while (fresh data dir, no clients). */
final class IdleRssBench implements Benchmark {
    static final double GOAL_MB = 250;

    @Override
    public String name() {
        return "idle-rss";
    }

    @Override
    public String method() {
        return "start the server (launcher flags, fresh data dir), wait until ready, stay idle, then read VmRSS and"
                + " VmHWM from /proc/PID/status.";
    }

    @Override
    public String goal() {
        return "idle RSS <= 250 MB";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Path dir = ctx.freshDataDir("idle");
        long[] mem;
        try (ServerProcess sp = ServerProcess.startReady(o, dir, "idle-rss")) {
            Thread.sleep(o.idleSeconds() * 1000L);
            mem = sp.memoryKb();
        } finally {
            ServerProcess.deleteTree(dir);
        }
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("idleSeconds", o.idleSeconds());
        Map<String, Object> results = new LinkedHashMap<>();
        double rssMb = mem[0] / 1024.0;
        results.put("rssMb", Math.round(rssMb * 10) / 10.0);
        results.put("hwmMb", Math.round(mem[1] / 1024.0 * 10) / 10.0);
        return new Result(params, results, rssMb <= GOAL_MB);
    }
}
