package io.kube4j.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LIST of all pods of one namespace, as a server-side Table (what kubectl get asks for) and as JSON, one request
 * at a time. Two scenarios share it:
 * <ul>
 *   <li>{@code list}: a fresh server filled (unmeasured, many clients) up to each of {@code --list-sizes} in turn
 *   (default 10,000 and 100,000 pods), listed with {@code resourceVersion=0}, which kube4j (as upstream) serves
 *   from the watch cache without first waiting for the cache to catch up with storage;</li>
 *   <li>{@code list-table}: the original 10,000-pod benchmark on the pod-create server, without a resourceVersion
 *   (a consistent read: the cache waits until it has storage's latest revision, then serves the list).</li>
 * </ul>
 */
final class ListBench implements Benchmark {
    static final double GOAL_P99_MS = 300;
    static final String NAMESPACE = BenchContext.POD_NAMESPACE;
    private static final JsonFactory JSON = new JsonFactory();

    private final boolean fromPodCreate;

    /** {@code fromPodCreate}: the list-table shape (pod-create's server, {@code --pods}, no resourceVersion). */
    ListBench(boolean fromPodCreate) {
        this.fromPodCreate = fromPodCreate;
    }

    @Override
    public String name() {
        return fromPodCreate ? "list-table" : "list";
    }

    @Override
    public String method() {
        String common = " GET /api/v1/namespaces/bench/pods without limit, one request at a time, with"
                + " Accept: application/json;as=Table;v=v1;g=meta.k8s.io and then Accept: application/json;"
                + " warm-ups first; latency = request sent to the whole body received; the body's items/rows are counted.";
        return fromPodCreate
                ? "on a server holding N pods in namespace bench (the pod-create server, or one filled unmeasured),"
                + common
                : "fresh server filled to each size in turn by --fill-clients clients (not measured), then"
                + common + " With ?resourceVersion=0 (served from the watch cache). Sizes above 10,000 do"
                + " fewer iterations (iterations x 10,000 / size, at least 3).";
    }

    @Override
    public String goal() {
        return fromPodCreate ? "LIST of 10,000 pods as Table: p99 <= 300 ms"
                : "LIST of 10,000 pods as Table: p99 <= 300 ms (larger sizes: report only)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("iterations", o.listIterations());
        params.put("warmups", o.listWarmups());
        if (fromPodCreate) {
            ServerProcess sp = ctx.populated();
            Map<String, Object> results = new LinkedHashMap<>();
            LatencySummary table;
            try (AdminClient admin = sp.admin()) {
                table = measure(admin, o, "", o.pods(), AdminClient.TABLE, o.listIterations(), results, "table", "rows");
                measure(admin, o, "", o.pods(), AdminClient.JSON, o.listIterations(), results, "json", "items");
            }
            params.put("pods", o.pods());
            return new Result(params, results, table.p99Ms() <= GOAL_P99_MS);
        }
        List<Integer> sizes = o.api().listSizes().stream().distinct().sorted().toList();
        params.put("sizes", sizes);
        params.put("fillClients", o.api().fillClients());
        params.put("query", "?resourceVersion=0");
        Map<String, Object> results = new LinkedHashMap<>();
        List<String[]> table = new ArrayList<>();
        boolean met = true;
        boolean judged = false;
        Path dir = ctx.freshDataDir("list");
        try (ServerProcess sp = ServerProcess.startReady(o, dir, "list", null, ServerProcess.API_ONLY);
             AdminClient admin = sp.admin()) {
            int have = 0;
            for (int size : sizes) {
                long t0 = System.nanoTime();
                PodCreateBench.Run fill = PodCreateBench.fill(sp, o.api().fillClients(), NAMESPACE, have, size, "pod-");
                if (fill.failures() > 0) {
                    throw new IllegalStateException("fill to " + size + " pods: " + fill.failures() + " failed, first: "
                            + fill.firstFailure());
                }
                double fillRate = (size - have) / ((System.nanoTime() - t0) / 1e9);
                System.out.printf("  filled to %d pods (%.0f creates/s)%n", size, fillRate);
                have = size;
                int iterations = size <= 10_000 ? o.listIterations()
                        : Math.max(3, (int) ((long) o.listIterations() * 10_000 / size));
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("pods", size);
                r.put("iterations", iterations);
                r.put("fillCreatesPerSecond", Math.round(fillRate));
                LatencySummary t = measure(admin, o, "?resourceVersion=0", size, AdminClient.TABLE, iterations, r,
                        "table", "rows");
                LatencySummary j = measure(admin, o, "?resourceVersion=0", size, AdminClient.JSON, iterations, r,
                        "json", "items");
                r.put("serverRssMb", Math.round(sp.memoryKb()[0] / 102.4) / 10.0);
                results.put("pods" + size, r);
                for (String kind : List.of("table", "json")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> k = (Map<String, Object>) r.get(kind);
                    LatencySummary s = kind.equals("table") ? t : j;
                    table.add(new String[]{Integer.toString(size), kind, String.format("%.1f", s.p50Ms()),
                            String.format("%.1f", s.p99Ms()), k.get("responseBytes").toString()});
                }
                if (size == 10_000) {
                    judged = true;
                    met = t.p99Ms() <= GOAL_P99_MS;
                }
            }
        } finally {
            ServerProcess.deleteTree(dir);
        }
        System.out.printf("  %8s %-6s %10s %10s %12s%n", "pods", "format", "p50 ms", "p99 ms", "bytes");
        for (String[] row : table) {
            System.out.printf("  %8s %-6s %10s %10s %12s%n", (Object[]) row);
        }
        return new Result(params, results, judged && met);
    }

    private static LatencySummary measure(AdminClient admin, BenchOptions o, String query, int expected, String accept,
                                          int iterations, Map<String, Object> results, String key, String arrayField)
            throws Exception {
        String path = "/api/v1/namespaces/" + NAMESPACE + "/pods" + query;
        for (int i = 0; i < o.listWarmups(); i++) {
            admin.get(path, accept);
        }
        long[] lat = new long[iterations];
        AdminClient.Reply last = null;
        for (int i = 0; i < lat.length; i++) {
            long s = System.nanoTime();
            last = admin.get(path, accept);
            lat[i] = System.nanoTime() - s;
            if (last.status() != 200) {
                throw new IllegalStateException("LIST " + accept + ": HTTP " + last.status() + " " + last.text());
            }
        }
        int count = countTopLevelArray(last.body(), arrayField);
        if (count != expected) {
            throw new IllegalStateException("LIST " + accept + " returned " + count + " " + arrayField + ", expected "
                    + expected);
        }
        LatencySummary s = LatencySummary.of(lat);
        Map<String, Object> m = new LinkedHashMap<>(s.toMap());
        m.put("responseBytes", last.body().length);
        m.put(arrayField, count);
        results.put(key, m);
        System.out.printf("  %s: p50 %.1f ms, p99 %.1f ms, %d bytes%n", key, s.p50Ms(), s.p99Ms(), last.body().length);
        return s;
    }

    /** Elements of the top-level array {@code field}, counted by streaming (a 100,000-pod body is ~100 MB). */
    static int countTopLevelArray(byte[] body, String field) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return -1;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals(field) && t == JsonToken.START_ARRAY) {
                    int n = 0;
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        p.skipChildren();
                        n++;
                    }
                    return n;
                }
                p.skipChildren();
            }
            return -1;
        }
    }
}
