package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;

/** LIST of all pods of a namespace holding {@code pods} pods, as a server-side Table (kubectl get) and as JSON. */
final class ListTableBench implements Benchmark {
    static final double GOAL_P99_MS = 300;

    @Override
    public String name() {
        return "list-table";
    }

    @Override
    public String method() {
        return "on a server holding N pods in namespace bench (the pod-create server, or one filled unmeasured),"
                + " GET /api/v1/namespaces/bench/pods without limit, one request at a time, with"
                + " Accept: application/json;as=Table;v=v1;g=meta.k8s.io and then Accept: application/json;"
                + " warm-ups first; latency = request sent to the whole body received.";
    }

    @Override
    public String goal() {
        return "LIST of 10,000 pods as Table: p99 <= 300 ms";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        ServerProcess sp = ctx.populated();
        Map<String, Object> results = new LinkedHashMap<>();
        LatencySummary table;
        try (AdminClient admin = sp.admin()) {
            table = measure(admin, o, AdminClient.TABLE, results, "table", "rows");
            measure(admin, o, AdminClient.JSON, results, "json", "items");
        }
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("pods", o.pods());
        params.put("iterations", o.listIterations());
        params.put("warmups", o.listWarmups());
        return new Result(params, results, table.p99Ms() <= GOAL_P99_MS);
    }

    private static LatencySummary measure(AdminClient admin, BenchOptions o, String accept, Map<String, Object> results,
                                          String key, String arrayField) throws Exception {
        String path = "/api/v1/namespaces/" + BenchContext.POD_NAMESPACE + "/pods";
        for (int i = 0; i < o.listWarmups(); i++) {
            admin.get(path, accept);
        }
        long[] lat = new long[o.listIterations()];
        AdminClient.Reply last = null;
        for (int i = 0; i < lat.length; i++) {
            long s = System.nanoTime();
            last = admin.get(path, accept);
            lat[i] = System.nanoTime() - s;
            if (last.status() != 200) {
                throw new IllegalStateException("LIST " + accept + ": HTTP " + last.status() + " " + last.text());
            }
        }
        JsonNode doc = new ObjectMapper().readTree(last.body());
        int count = doc.path(arrayField).size();
        if (count != o.pods()) {
            throw new IllegalStateException("LIST " + accept + " returned " + count + " " + arrayField + ", expected " + o.pods());
        }
        LatencySummary s = LatencySummary.of(lat);
        Map<String, Object> m = new LinkedHashMap<>(s.toMap());
        m.put("responseBytes", last.body().length);
        m.put(arrayField, count);
        results.put(key, m);
        System.out.printf("  %s: p50 %.1f ms, p99 %.1f ms, %d bytes%n", key, s.p50Ms(), s.p99Ms(), last.body().length);
        return s;
    }
}
