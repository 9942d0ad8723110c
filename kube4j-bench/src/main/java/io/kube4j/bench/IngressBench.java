package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ingress throughput and latency against one backend pod, side by side with nginx from Debian ({@code nginx-light},
 * installed with apt-get when missing; needs root) configured as the same reverse proxy on 127.0.0.1 with its own
 * temporary config, pid, log and temp dirs, and stopped by its PID afterwards. The backend is one pod on the server's
 * real node serving a small static file, reached by both proxies at its pod IP (a selectorless Service with a
 * hand-made EndpointSlice behind an Ingress for kube4j; an upstream block with keepalive for nginx). Two backends
 * ({@link BackendKind}): the host's nginx binary run inside a busybox pod (keeps connections alive, so both proxies
 * reuse pooled backend connections), or busybox {@code httpd}, which closes every connection: then each proxied request
 * leaves a host socket in TIME_WAIT towards the one pod address, and after about 28,000 requests (the ephemeral port
 * range) within a minute both proxies slow down waiting for free ports. Rounds alternate (kube4j, nginx, kube4j, nginx, ...) so that a change in the machine's load hits both;
 * the medians of the rounds are compared.
 */
final class IngressBench implements Benchmark {
    static final double GOAL_RATIO = 0.8;
    static final String NAMESPACE = "ingress-bench";
    static final String HOST = "bench.kube4j.local";
    /** The static file the backend serves; the pod's command writes it. */
    static final String BODY = "hello from the ingress bench backend\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "ingress";
    }

    @Override
    public String method() {
        return "one backend pod (--ingress-backend: nginx with keep-alive, or busybox httpd) serving a static "
                + BODY.length() + "-byte file on the real node; closed-loop HTTP/1.1 GETs with Host " + HOST + " over N keep-alive connections to "
                + "127.0.0.1, alternately to kube4j's ingress and to nginx-light proxying to the same pod IP (one "
                + "warm-up each of twice a round, then R measured rounds each, interleaved); medians of the rounds' requests/s of 200s, "
                + "p50, p99; machine load, CPU of the load generator, the server and nginx per round.";
    }

    @Override
    public String goal() {
        return "kube4j ingress >= 0.8x nginx's requests/s (medians of interleaved rounds)";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("seconds", o.ingressSeconds());
        params.put("rounds", o.ingressRounds());
        params.put("connections", o.ingressConnections());
        BackendKind kind = BackendKind.valueOf(o.ingressBackend().toUpperCase(java.util.Locale.ROOT));
        params.put("backend", kind.description);
        Map<String, Object> results = new LinkedHashMap<>();
        int httpPort = ServerProcess.freePort();
        Path dir = ctx.freshDataDir("ingress");
        boolean ok;
        try (NodePodStartupBench.NodeLock lock = NodePodStartupBench.NodeLock.acquire()) {
            ServerProcess sp = ServerProcess.startReady(o, dir, "ingress", NodePodStartupBench.NODE,
                    List.of("--ingress-http-port", Integer.toString(httpPort),
                            "--ingress-https-port", Integer.toString(ServerProcess.freePort())));
            try (AdminClient admin = sp.admin(); HttpLoad load = new HttpLoad();
                 Nginx nginx = Nginx.start(backend(admin, kind), ServerProcess.freePort())) {
                results.put("nginxVersion", nginx.version());
                results.put("nginxWorkers", nginx.workers());
                awaitRoute(httpPort);
                Duration measured = Duration.ofSeconds(o.ingressSeconds());
                // the JIT of the proxy's JVM needs more than one round to settle; nginx gets the same warm-up
                Duration warmup = Duration.ofMillis(Math.max(4000, 2 * measured.toMillis()));
                Target kube4j = new Target("kube4j", httpPort, ProcessHandle.of(sp.pid()).orElseThrow());
                Target ngx = new Target("nginx", nginx.port(), nginx.process().toHandle());
                load.run(kube4j.port, HOST, "/", o.ingressConnections(), warmup, MAX_REQUESTS);
                load.run(ngx.port, HOST, "/", o.ingressConnections(), warmup, MAX_REQUESTS);
                List<Map<String, Object>> rounds = new ArrayList<>();
                for (int r = 1; r <= o.ingressRounds(); r++) {
                    for (Target t : List.of(kube4j, ngx)) {
                        Map<String, Object> round = measure(load, t, o.ingressConnections(), measured);
                        round.put("round", r);
                        rounds.add(round);
                        System.out.printf("  round %d %-6s %6.0f req/s  p50 %.2f ms  p99 %.2f ms  failed %s  "
                                        + "load %.2f  machine busy %s%%  load generator %s%% of a core%n", r, t.name,
                                (double) round.get("requestsPerSecond"), (double) round.get("p50Ms"),
                                (double) round.get("p99Ms"), round.get("failed"), (double) round.get("loadAverage"),
                                round.get("machineBusyPercent"), round.get("loadGeneratorCpuPercent"));
                    }
                }
                for (Target t : List.of(kube4j, ngx)) {
                    List<Map<String, Object>> mine = rounds.stream().filter(m -> m.get("proxy").equals(t.name)).toList();
                    results.put(t.name + "RequestsPerSecond", Math.round(median(mine, "requestsPerSecond")));
                    results.put(t.name + "P50Ms", median(mine, "p50Ms"));
                    results.put(t.name + "P99Ms", median(mine, "p99Ms"));
                    results.put(t.name + "Failed", mine.stream().mapToInt(m -> (int) m.get("failed")).sum());
                }
                double ratio = (long) results.get("nginxRequestsPerSecond") == 0 ? Double.NaN
                        : (long) results.get("kube4jRequestsPerSecond")
                        / (double) (long) results.get("nginxRequestsPerSecond");
                results.put("ratioToNginx", Math.round(ratio * 100) / 100.0);
                results.put("rounds", rounds);
                System.out.printf("  medians: kube4j %s req/s p50 %s ms p99 %s ms; nginx %s req/s p50 %s ms p99 %s ms;"
                                + " ratio %.2f%n", results.get("kube4jRequestsPerSecond"), results.get("kube4jP50Ms"),
                        results.get("kube4jP99Ms"), results.get("nginxRequestsPerSecond"), results.get("nginxP50Ms"),
                        results.get("nginxP99Ms"), ratio);
                ok = ratio >= GOAL_RATIO;
                admin.delete("/api/v1/namespaces/" + NAMESPACE + "/pods?gracePeriodSeconds=0");
            } finally {
                sp.close();
                NodePodStartupBench.killall(o, dir);
            }
        } finally {
            ServerProcess.deleteTree(dir);
        }
        return new Result(params, results, ok);
    }

    private static final int MAX_REQUESTS = 2_000_000;

    /** One proxy under test: its port and the process (tree) whose CPU it costs. */
    private record Target(String name, int port, ProcessHandle process) {
    }

    /** One measured round against {@code t}, with the machine's load and who used the CPU meanwhile. */
    private static Map<String, Object> measure(HttpLoad load, Target t, int connections, Duration time)
            throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long busy0 = NodePodStartupBench.machineBusyMillis();
        long self0 = os.getProcessCpuTime();
        long proxy0 = Machine.processTreeCpuMillis(t.process);
        long t0 = System.nanoTime();
        HttpLoad.Result r = load.run(t.port, HOST, "/", connections, time, MAX_REQUESTS);
        double wallMs = (System.nanoTime() - t0) / 1e6;
        long proxyMs = Machine.processTreeCpuMillis(t.process) - proxy0;
        long selfMs = (os.getProcessCpuTime() - self0) / 1_000_000;
        long busyMs = NodePodStartupBench.machineBusyMillis() - busy0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("proxy", t.name);
        m.put("requestsPerSecond", (double) Math.round(r.requestsPerSecond()));
        m.put("p50Ms", r.latency().p50Ms());
        m.put("p99Ms", r.latency().p99Ms());
        m.put("ok", r.ok());
        m.put("failed", r.failed());
        m.put("loadAverage", Machine.loadAverage());
        int cores = Runtime.getRuntime().availableProcessors();
        m.put("machineBusyPercent", Math.round(100 * busyMs / (wallMs * cores)));
        m.put("loadGeneratorCpuPercent", Math.round(100 * selfMs / wallMs));
        // kube4j: the whole server JVM (API server, kubelet, ingress); nginx: master and workers
        m.put("proxyProcessCpuPercent", Math.round(100 * proxyMs / wallMs));
        return m;
    }

    private static double median(List<Map<String, Object>> rounds, String key) {
        double[] v = rounds.stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The backend pods the bench can run; both serve {@link #BODY} on port 8080 from a busybox image. */
    enum BackendKind {
        /**
         * The host's nginx (Debian, the same binary as the compared proxy) inside a kube4j.local/busybox:1.36 pod: the
         * host's /usr is mounted read-only at /host/usr and /lib, /lib64 point into it; one worker, keep-alive.
         */
        NGINX("host nginx in a kube4j.local/busybox:1.36 pod (hostPath /usr read-only), 1 worker, keep-alive",
                "ln -s /host/usr/lib /lib && ln -s /host/usr/lib64 /lib64 && mkdir -p /www /tmp/ngx && "
                        + "printf '" + BODY.replace("\n", "\\n") + "' > /www/index.html && "
                        + "printf '%s\\n' 'daemon off;' 'user nobody nobody;' 'worker_processes 1;' 'pid /tmp/ngx/nginx.pid;' "
                        + "'error_log stderr warn;' 'events { worker_connections 1024; }' 'http {' "
                        + "'access_log off;' 'keepalive_requests 1000000;' 'keepalive_timeout 120s;' "
                        + "'client_body_temp_path /tmp/ngx/body;' 'proxy_temp_path /tmp/ngx/proxy;' "
                        + "'fastcgi_temp_path /tmp/ngx/fastcgi;' 'uwsgi_temp_path /tmp/ngx/uwsgi;' "
                        + "'scgi_temp_path /tmp/ngx/scgi;' "
                        + "'server { listen 8080; root /www; location / { } }' '}' > /tmp/ngx/nginx.conf && "
                        + "exec /host/usr/sbin/nginx -e stderr -p /tmp/ngx -c /tmp/ngx/nginx.conf"),
        /** busybox httpd: forks per connection and closes it after one answer ("Connection: close"). */
        HTTPD("busybox httpd -f -p 8080 -h /www in kube4j.local/busybox:1.36 (closes every connection)",
                // httpd as PID 1 ignores SIGTERM (NODE-NOTES pitfall 5): the pod is deleted with grace period 0
                "mkdir -p /www && printf '" + BODY.replace("\n", "\\n") + "' > /www/index.html && "
                        + "exec httpd -f -p 8080 -h /www");

        final String description;
        final String script;

        BackendKind(String description, String script) {
            this.description = description;
            this.script = script;
        }
    }

    /** Starts the backend pod of {@code kind} and routes {@link #HOST} to it; returns its pod IP. */
    private static String backend(AdminClient admin, BackendKind kind) throws Exception {
        admin.ensureNamespace(NAMESPACE);
        String ns = "/api/v1/namespaces/" + NAMESPACE;
        String mounts = kind == BackendKind.NGINX
                ? ",\"volumeMounts\":[{\"name\":\"usr\",\"mountPath\":\"/host/usr\",\"readOnly\":true}]" : "";
        String volumes = kind == BackendKind.NGINX
                ? ",\"volumes\":[{\"name\":\"usr\",\"hostPath\":{\"path\":\"/usr\",\"type\":\"Directory\"}}]" : "";
        check(admin.post(ns + "/pods", ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"backend\"},"
                + "\"spec\":{\"nodeName\":\"" + NodePodStartupBench.NODE + "\",\"terminationGracePeriodSeconds\":1,"
                + "\"containers\":[{\"name\":\"web\",\"image\":\"kube4j.local/busybox:1.36\","
                + "\"command\":[\"sh\",\"-c\"," + JSON.writeValueAsString(kind.script) + "]" + mounts + "}]"
                + volumes + "}}").getBytes()));
        String ip = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (ip == null) {
            JsonNode pod = JSON.readTree(admin.get(ns + "/pods/backend", AdminClient.JSON).body());
            if ("Running".equals(pod.path("status").path("phase").asText())
                    && !pod.path("status").path("podIP").asText().isEmpty()) {
                ip = pod.path("status").path("podIP").asText();
            } else if (System.nanoTime() > deadline) {
                throw new IOException("the backend pod is not running after 90 s: " + pod.path("status"));
            } else {
                Thread.sleep(200);
            }
        }
        // Running says the process started, not that it listens: wait for its answer, or show its log
        long listenDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last;
        while (!(last = get(ip, 8080)).startsWith("HTTP/1.1 200")) {
            if (System.nanoTime() > listenDeadline) {
                throw new IOException("the backend pod does not answer on " + ip + ":8080 (" + last + "); its log:\n"
                        + new String(admin.get(ns + "/pods/backend/log", "text/plain").body(), StandardCharsets.UTF_8));
            }
            Thread.sleep(200);
        }
        check(admin.post(ns + "/services", ("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":"
                + "\"backend\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}").getBytes()));
        check(admin.post("/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices",
                ("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"backend-1\","
                        + "\"labels\":{\"kubernetes.io/service-name\":\"backend\"}},\"addressType\":\"IPv4\","
                        + "\"ports\":[{\"name\":\"\",\"port\":8080,\"protocol\":\"TCP\"}],"
                        + "\"endpoints\":[{\"addresses\":[\"" + ip + "\"],\"conditions\":{\"ready\":true}}]}")
                        .getBytes()));
        check(admin.post("/apis/networking.k8s.io/v1/namespaces/" + NAMESPACE + "/ingresses",
                ("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"backend\"},"
                        + "\"spec\":{\"rules\":[{\"host\":\"" + HOST + "\",\"http\":{\"paths\":[{\"path\":\"/\","
                        + "\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"backend\",\"port\":"
                        + "{\"number\":80}}}}]}}]}}").getBytes()));
        return ip;
    }

    private static void check(AdminClient.Reply r) throws IOException {
        if (r.status() / 100 != 2) {
            throw new IOException("HTTP " + r.status() + ": " + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    /** Waits until the ingress answers 200 for {@link #HOST}. */
    private static void awaitRoute(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(port);
            if (last.startsWith("HTTP/1.1 200")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("the ingress route did not answer 200 within 30 s: " + last);
    }

    static String get(int port) {
        return get("127.0.0.1", port);
    }

    /** One GET / with Host {@link #HOST} to a loopback or pod address; the raw answer, or the error. */
    static String get(String ip, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** nginx-light as a reverse proxy to one pod, in a temporary prefix; {@link #close} stops it by its PID. */
    record Nginx(int port, String version, int workers, Process process, Path prefix) implements AutoCloseable {

        static Nginx start(String podIp, int port) throws Exception {
            Path binary = Path.of("/usr/sbin/nginx");
            if (!Files.isExecutable(binary)) {
                System.out.println("  installing nginx-light (apt-get)");
                Process apt = new ProcessBuilder("apt-get", "install", "-y", "-q", "nginx-light")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!apt.waitFor(300, TimeUnit.SECONDS) || apt.exitValue() != 0 || !Files.isExecutable(binary)) {
                    apt.destroyForcibly();
                    throw new IOException("nginx-light could not be installed (apt-get install -y nginx-light)");
                }
                stopPackagedService();
            }
            Process v = new ProcessBuilder(binary.toString(), "-v").redirectErrorStream(true).start();
            String version = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            v.waitFor(10, TimeUnit.SECONDS);
            Path prefix = Files.createTempDirectory("kube4j-bench-nginx-");
            Files.createDirectories(prefix.resolve("logs"));
            Files.createDirectories(prefix.resolve("tmp"));
            int workers = Runtime.getRuntime().availableProcessors();
            Files.writeString(prefix.resolve("nginx.conf"), """
                    daemon off;
                    master_process on;
                    worker_processes %d;
                    pid %s/nginx.pid;
                    error_log %s/logs/error.log warn;
                    events { worker_connections 1024; }
                    http {
                      access_log off;
                      client_body_temp_path %s/tmp/body;
                      proxy_temp_path %s/tmp/proxy;
                      fastcgi_temp_path %s/tmp/fastcgi;
                      uwsgi_temp_path %s/tmp/uwsgi;
                      scgi_temp_path %s/tmp/scgi;
                      keepalive_requests 100000;
                      upstream kubia { server %s:8080; keepalive 64; }
                      server {
                        listen 127.0.0.1:%d;
                        server_name %s;
                        location / {
                          proxy_pass http://kubia;
                          proxy_http_version 1.1;
                          proxy_set_header Connection "";
                          proxy_set_header Host $host;
                          proxy_set_header X-Real-IP $remote_addr;
                          proxy_set_header X-Forwarded-For $remote_addr;
                          proxy_set_header X-Forwarded-Host $host;
                          proxy_set_header X-Forwarded-Proto $scheme;
                        }
                      }
                    }
                    """.formatted(workers, prefix, prefix, prefix, prefix, prefix, prefix, prefix, podIp, port, HOST));
            Process p = new ProcessBuilder(binary.toString(), "-p", prefix.toString(), "-c",
                    prefix.resolve("nginx.conf").toString()).redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
            Nginx n = new Nginx(port, version, workers, p, prefix);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!get(port).startsWith("HTTP/1.1 200")) {
                    if (!p.isAlive() || System.nanoTime() > deadline) {
                        throw new IOException("nginx did not answer 200 on 127.0.0.1:" + port + ": "
                                + Files.readString(prefix.resolve("logs/error.log")));
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                n.close();
                throw e;
            }
            return n;
        }

        /**
         * Debian's postinst starts the packaged nginx (port 80, all addresses) where it can; the bench caused that
         * process, so it stops it, by the PID in its pid file.
         */
        private static void stopPackagedService() throws Exception {
            Path pidFile = Path.of("/run/nginx.pid");
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            var handle = ProcessHandle.of(pid);
            if (handle.isPresent() && handle.get().info().command().orElse("").endsWith("nginx")) {
                System.out.println("  stopping the nginx the package started (pid " + pid + ")");
                handle.get().destroy();
                handle.get().onExit().get(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void close() throws Exception {
            // SIGTERM to the master (its PID) stops the workers too
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            ServerProcess.deleteTree(prefix);
        }
    }
}
