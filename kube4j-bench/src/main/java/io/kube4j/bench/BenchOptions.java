package io.kube4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of one benchmark run, parsed from {@code --name=value} arguments; the remaining arguments
 * are benchmark names. Immutable; built once by {@link Bench#main}.
 *
 * @param names         benchmarks to run, in order (empty: all)
 * @param serverJar     the runnable server jar ({@code kube4j-cli/target/kube4j-all.jar})
 * @param java          the java executable that runs the server (default: the one running the bench)
 * @param serverJvmOpts JVM flags of the server, as the {@code ./kube4j} launcher passes them
 * @param outDir        where results.jsonl, server logs and JFR recordings go
 * @param runs          cold-start runs (each: one fresh start and one start on the existing data dir)
 * @param idleSeconds   idle-rss: how long the server sits idle before RSS is read
 * @param pods          pods created by pod-create and listed by list-table
 * @param warmupPods    pods created before pod-create measures
 * @param clients       concurrent clients of pod-create
 * @param listIterations list-table measured iterations (after {@code listWarmups})
 * @param listWarmups   list-table warm-up iterations
 * @param watchers      concurrent watches of watch-latency
 * @param writes        measured writes observed by every watcher (half creates, half updates)
 * @param watchWarmupWrites unmeasured creates before them (JIT warm-up of the fan-out path)
 * @param writeIntervalMillis pause between two writes of watch-latency
 * @param storage       storage backend of the server ({@code embedded} or {@code memory})
 * @param jfr           record a JFR profile of every server process into {@code outDir/jfr}
 * @param nodePods      node-pods: pods created at once on the real node
 * @param schedNodes    scheduler: fake nodes (API objects only)
 * @param schedPods     scheduler: pending pods to bind, one measured run (fresh server) per count, in order
 * @param schedBacklog  scheduler: after each overlapped run (creates and bindings at once), also a backlog run:
 *                      every pod created first, then a separate {@code kube4j scheduler} process binds them
 * @param schedOverlapped scheduler: run the overlapped mode (false: the backlog run alone, for quick comparisons)
 * @param ingressSeconds     ingress: measured seconds of one round against one proxy
 * @param ingressConnections ingress: concurrent keep-alive connections of the load generator
 * @param ingressRounds      ingress: measured rounds per proxy, interleaved (kube4j, nginx, kube4j, ...)
 * @param ingressBackend     ingress: the backend pod, {@code nginx} (keep-alive) or {@code httpd} (busybox)
 * @param dnsServices        dns: services (one A record each) the in-process DNS server answers for
 * @param dnsSeconds         dns: measured seconds per client count (after a warm-up as long)
 * @param dnsClients         dns: the closed-loop UDP client counts to measure, in order
 * @param cds           give the server a class-data archive ({@code outDir/kube4j.jsa}, created on the first
 *                      start), as {@code ./kube4j} does with its own archive
 * @param api           options of the api, list and watch-fanout scenarios
 * @param densityNodes       density: simulated nodes, run by a separate {@code kube4j agent --simulated} process
 * @param densityReplicaSets density: ReplicaSets created at once
 * @param densityReplicas    density: replicas of each ReplicaSet
 * @param densityHeap        density: the server's maximum heap ({@code -Xmx}), e.g. {@code 8g}
 * @param densityHeartbeat   density: the simulated nodes' Lease renewal interval (a Go duration, kubelet's 10s)
 * @param densityTimeoutMinutes density: how long to wait for every pod to run before giving up
 * @param densityJvmOpts     density: the server's JVM flags after the usual ones (a collector here replaces theirs)
 * @param simNodeCounts      sim-node-heap: simulated node counts to measure the agent's live heap at
 */
record BenchOptions(List<String> names, Path serverJar, Path java, List<String> serverJvmOpts, Path outDir,
                    int runs, int idleSeconds, int pods, int warmupPods, int clients, int listIterations,
                    int listWarmups, int watchers, int writes, int watchWarmupWrites, int writeIntervalMillis,
                    String storage, boolean jfr, boolean cds, int nodePods, int schedNodes, List<Integer> schedPods,
                    boolean schedBacklog, boolean schedOverlapped,
                    int ingressSeconds, int ingressConnections, int ingressRounds, String ingressBackend,
                    int dnsServices,
                    int dnsSeconds, List<Integer> dnsClients,
                    int densityNodes, int densityReplicaSets, int densityReplicas, String densityHeap,
                    String densityHeartbeat, int densityTimeoutMinutes, List<String> densityJvmOpts,
                    List<Integer> simNodeCounts,
                    ApiBenchOptions api) {

    /** What the density server adds: the collector docs/performance.md advises for large clusters. */
    static final String DENSITY_JVM_OPTS = "-XX:+UseG1GC -XX:+UseStringDeduplication";

    /** The JVM flags {@code ./kube4j} uses unless KUBE4J_JAVA_OPTS overrides them. */
    static final String LAUNCHER_JVM_OPTS = "-XX:+UseSerialGC -Xss512k -XX:MaxRAMPercentage=25 -Xms48m "
            + "-XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30";

    static final String USAGE = """
            usage: kube4j-bench/run [benchmark...] [--option=value...]
              benchmarks: cold-start idle-rss pod-create list-table watch-latency node-pods scheduler ingress dns
                          api list watch-fanout volumes storage density sim-node-heap pod-footprint (default: all)
              --jar=PATH            server jar (default: kube4j-cli/target/kube4j-all.jar)
              --java=PATH           java that runs the server (default: the bench's own java)
              --server-jvm-opts=S   server JVM flags (default: $KUBE4J_JAVA_OPTS or "%s")
              --out=DIR             results, logs, JFR files (default: kube4j-bench/target)
              --runs=5              cold-start runs
              --idle-seconds=10     idle-rss wait
              --pods=10000          pods for pod-create and list-table
              --warmup-pods=500     pod-create warm-up
              --clients=8           pod-create concurrent clients
              --list-iterations=20  list-table measured iterations (after --list-warmups=3)
              --watchers=1000       watch-latency concurrent watches
              --writes=200          watch-latency writes (half creates, half updates)
              --watch-warmup-writes=50  unmeasured writes before the measured ones
              --write-interval-ms=10  minimum time between two writes' start
              --node-pods=100       node-pods: pods started at once on the real node (root)
              --sched-nodes=5000    scheduler: fake Node objects (no kubelet)
              --sched-pods=10000,50000  scheduler: pending pods created at once, one run (fresh server) per count
              --sched-backlog=true  scheduler: per count also a backlog run (all pods created first, then a
                                    separate `kube4j scheduler` process binds them; false: overlapped run only)
              --sched-overlapped=true  scheduler: the overlapped run (false: backlog run only)
              --density-nodes=5000  density: simulated nodes (a separate `kube4j agent --simulated` process)
              --density-replicasets=1000  density: ReplicaSets created at once
              --density-replicas=150    density: replicas per ReplicaSet
              --density-heap=8g     density: the server's -Xmx
              --density-heartbeat=10s   density: simulated nodes' Lease renewal interval
              --density-timeout-minutes=30  density: give up when the pods are not all Running by then
              --density-jvm-opts=S  density: server JVM flags after the usual ones; a collector replaces theirs
                                    (default "%s"; "" keeps the launcher's SerialGC)
              --sim-node-counts=0,1000,5000  sim-node-heap: simulated node counts (one agent process each)
              --ingress-seconds=5   ingress: measured seconds of one round against one proxy (warm-up: twice that)
              --ingress-rounds=3    ingress: rounds per proxy, interleaved (kube4j, nginx, kube4j, nginx, ...)
              --ingress-connections=16  ingress: concurrent keep-alive connections
              --ingress-backend=nginx   ingress: backend pod, nginx (host binary, keep-alive) or httpd (busybox)
              --dns-services=1000   dns: services the in-process DNS server knows
              --dns-seconds=5       dns: measured seconds per client count (after a warm-up as long)
              --dns-clients=1,4,16  dns: closed-loop UDP client counts
              --storage=embedded    server storage backend (embedded or memory)
              --cds=true            class-data archive OUT/kube4j.jsa like ./kube4j (--cds=false: none)
              --jfr                 record a JFR profile of each server process into OUT/jfr
            """.formatted(LAUNCHER_JVM_OPTS, DENSITY_JVM_OPTS) + ApiBenchOptions.USAGE;

    static BenchOptions parse(String[] args) {
        List<String> names = new ArrayList<>();
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                int eq = a.indexOf('=');
                opts.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
            } else {
                names.add(a);
            }
        }
        Path jar = Path.of(opts.getOrDefault("jar", defaultJar().toString())).toAbsolutePath();
        Path java = Path.of(opts.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String envOpts = System.getenv("KUBE4J_JAVA_OPTS");
        String jvm = opts.getOrDefault("server-jvm-opts", envOpts == null || envOpts.isBlank() ? LAUNCHER_JVM_OPTS : envOpts);
        Path out = Path.of(opts.getOrDefault("out", defaultOut().toString())).toAbsolutePath();
        ApiBenchOptions api = ApiBenchOptions.parse(opts);
        BenchOptions o = new BenchOptions(List.copyOf(names), jar, java,
                words(jvm), out,
                intOpt(opts, "runs", 5), intOpt(opts, "idle-seconds", 10), intOpt(opts, "pods", 10_000),
                intOpt(opts, "warmup-pods", 500), intOpt(opts, "clients", 8), intOpt(opts, "list-iterations", 20),
                intOpt(opts, "list-warmups", 3), intOpt(opts, "watchers", 1000), intOpt(opts, "writes", 200),
                intOpt(opts, "watch-warmup-writes", 50),
                intOpt(opts, "write-interval-ms", 10), opts.getOrDefault("storage", "embedded"),
                Boolean.parseBoolean(opts.getOrDefault("jfr", "false")),
                Boolean.parseBoolean(opts.getOrDefault("cds", "true")), intOpt(opts, "node-pods", 100),
                intOpt(opts, "sched-nodes", 5000), intList(opts, "sched-pods", "10000,50000"),
                strictBoolean(opts, "sched-backlog", true), strictBoolean(opts, "sched-overlapped", true),
                intOpt(opts, "ingress-seconds", 5), intOpt(opts, "ingress-connections", 16),
                intOpt(opts, "ingress-rounds", 3), opts.getOrDefault("ingress-backend", "nginx"),
                intOpt(opts, "dns-services", 1000), intOpt(opts, "dns-seconds", 5),
                intList(opts, "dns-clients", "1,4,16"),
                intOpt(opts, "density-nodes", 5000), intOpt(opts, "density-replicasets", 1000),
                intOpt(opts, "density-replicas", 150), opts.getOrDefault("density-heap", "8g"),
                opts.getOrDefault("density-heartbeat", "10s"), intOpt(opts, "density-timeout-minutes", 30),
                words(opts.getOrDefault("density-jvm-opts", DENSITY_JVM_OPTS)),
                intList(opts, "sim-node-counts", "0,1000,5000"), api);
        opts.keySet().removeAll(List.of("jar", "java", "server-jvm-opts", "out", "runs", "idle-seconds", "pods",
                "warmup-pods", "clients", "list-iterations", "list-warmups", "watchers", "writes", "watch-warmup-writes",
                "write-interval-ms",
                "storage", "jfr", "cds", "node-pods", "sched-nodes", "sched-pods", "sched-backlog", "sched-overlapped", "ingress-seconds",
                "ingress-connections", "ingress-rounds", "ingress-backend", "dns-services", "dns-seconds", "dns-clients", "help"));
        opts.keySet().removeAll(List.of("density-nodes", "density-replicasets", "density-replicas", "density-heap",
                "density-heartbeat", "density-timeout-minutes", "density-jvm-opts", "sim-node-counts"));
        if (!opts.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + opts.keySet());
        }
        if (o.runs < 1 || o.pods < 1 || o.clients < 1 || o.watchers < 1 || o.writes < 2 || o.watchWarmupWrites < 0
                || o.listIterations < 1 || o.ingressSeconds < 1 || o.ingressConnections < 1 || o.ingressRounds < 1
                || o.dnsServices < 1 || o.dnsSeconds < 1 || o.dnsClients.isEmpty()
                || o.dnsClients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("counts must be positive (and --writes at least 2)");
        }
        if (!o.schedBacklog && !o.schedOverlapped) {
            throw new IllegalArgumentException("--sched-backlog=false and --sched-overlapped=false leave nothing to run");
        }
        if (o.schedNodes < 1 || o.schedPods.isEmpty() || o.schedPods.stream().anyMatch(c -> c < 1)
                || o.densityNodes < 1 || o.densityReplicaSets < 1 || o.densityReplicas < 1
                || o.densityTimeoutMinutes < 1 || o.simNodeCounts.isEmpty() || o.simNodeCounts.stream().anyMatch(c -> c < 0)) {
            throw new IllegalArgumentException("scheduler, density and sim-node-heap sizes must be positive");
        }
        if (!o.ingressBackend.equals("nginx") && !o.ingressBackend.equals("httpd")) {
            throw new IllegalArgumentException("--ingress-backend must be nginx or httpd");
        }
        if (!o.storage.equals("embedded") && !o.storage.equals("memory")) {
            throw new IllegalArgumentException("--storage must be embedded or memory");
        }
        return o;
    }

    static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /** Space-separated flags; none for a blank string. */
    static List<String> words(String s) {
        return List.of(s.trim().isEmpty() ? new String[0] : s.trim().split("\\s+"));
    }

    private static int intOpt(Map<String, String> opts, String name, int def) {
        String v = opts.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, got " + v);
        }
    }

    private static List<Integer> intList(Map<String, String> opts, String name, String def) {
        List<Integer> out = new ArrayList<>();
        for (String part : opts.getOrDefault(name, def).split(",")) {
            if (!part.isBlank()) {
                out.add(intOpt(Map.of(name, part.trim()), name, 0));
            }
        }
        return List.copyOf(out);
    }

    /** {@code --name=true|false} ({@code --name} alone is true); anything else is refused, not read as false. */
    private static boolean strictBoolean(Map<String, String> opts, String name, boolean defaultValue) {
        String v = opts.getOrDefault(name, Boolean.toString(defaultValue));
        return switch (v) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be true or false, not " + v);
        };
    }

    private static Path defaultJar() {
        Path rel = Path.of("kube4j-cli", "target", "kube4j-all.jar");
        for (Path p : List.of(rel, Path.of("..").resolve(rel))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return rel;
    }

    private static Path defaultOut() {
        return Files.isDirectory(Path.of("kube4j-bench")) ? Path.of("kube4j-bench", "target") : Path.of("target");
    }

    /** The parameters that describe the run, for the result lines. */
    Map<String, Object> common() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("serverJvmOpts", String.join(" ", serverJvmOpts));
        m.put("storage", storage);
        m.put("cds", cds);
        m.put("jfr", jfr);
        return m;
    }
}
