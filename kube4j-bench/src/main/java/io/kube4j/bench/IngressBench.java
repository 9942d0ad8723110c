package io.kube4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Ingress throughput and latency against one backend pod, side by side with nginx from Debian ({@code nginx-light},
 * installed with apt-get when missing; needs root) configured as the same reverse proxy on 127.0.0.1 with its own
 * temporary config, pid, log and temp dirs, and stopped by its PID afterwards. The backend is one kubia pod on the
 * server's real node, reached by both proxies at its pod IP (a selectorless Service with a hand-made EndpointSlice
 * behind an Ingress for kube4j; an upstream block with keepalive for nginx).
 */
final class IngressBench implements Benchmark {
    static final double GOAL_RATIO = 0.8;
    static final String NAMESPACE = "ingress-bench";
    static final String HOST = "bench.kube4j.local";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "ingress";
    }

    @Override
    public String method() {
        return "one kubia pod on the real node; closed-loop HTTP/1.1 GETs with Host " + HOST + " over N keep-alive "
                + "connections to 127.0.0.1, first to kube4j's ingress, then to nginx-light proxying to the same pod "
                + "IP (each: warm-up of a third of the time, then the measured time); requests/s of 200s, p50/p99.";
    }

    @Override
    public String goal() {
        return "kube4j ingress >= 0.8x nginx's requests/s";
    }

    @Override
    public Result run(BenchContext ctx) throws Exception {
        BenchOptions o = ctx.options();
        Map<String, Object> params = new LinkedHashMap<>(o.common());
        params.put("seconds", o.ingressSeconds());
        params.put("connections", o.ingressConnections());
        Map<String, Object> results = new LinkedHashMap<>();
        int httpPort = ServerProcess.freePort();
        Path dir = ctx.freshDataDir("ingress");
        boolean ok;
        try (NodePodStartupBench.NodeLock lock = NodePodStartupBench.NodeLock.acquire()) {
            ServerProcess sp = ServerProcess.startReady(o, dir, "ingress", NodePodStartupBench.NODE,
                    List.of("--ingress-http-port", Integer.toString(httpPort),
                            "--ingress-https-port", Integer.toString(ServerProcess.freePort())));
            try (AdminClient admin = sp.admin(); HttpLoad load = new HttpLoad()) {
                NodePodStartupBench.awaitNodeReady(admin, NodePodStartupBench.NODE);
                String podIp = backend(admin);
                awaitRoute(httpPort);
                Duration measured = Duration.ofSeconds(o.ingressSeconds());
                Duration warmup = Duration.ofMillis(Math.max(1000, measured.toMillis() / 3));
                int max = 2_000_000;
                load.run(httpPort, HOST, "/", o.ingressConnections(), warmup, max);
                HttpLoad.Result kube4j = load.run(httpPort, HOST, "/", o.ingressConnections(), measured, max);
                put(results, "kube4j", kube4j);
                HttpLoad.Result nginx = null;
                try (Nginx n = Nginx.start(podIp, ServerProcess.freePort())) {
                    load.run(n.port(), HOST, "/", o.ingressConnections(), warmup, max);
                    nginx = load.run(n.port(), HOST, "/", o.ingressConnections(), measured, max);
                    put(results, "nginx", nginx);
                    results.put("nginxVersion", n.version());
                } catch (IOException e) {
                    results.put("nginxError", e.getMessage());
                }
                double ratio = nginx == null || nginx.requestsPerSecond() == 0 ? Double.NaN
                        : kube4j.requestsPerSecond() / nginx.requestsPerSecond();
                results.put("ratioToNginx", Math.round(ratio * 100) / 100.0);
                System.out.printf("  kube4j %.0f req/s p99 %.2f ms; nginx %s; ratio %.2f%n",
                        kube4j.requestsPerSecond(), kube4j.latency().p99Ms(), nginx == null ? "n/a"
                                : String.format("%.0f req/s p99 %.2f ms", nginx.requestsPerSecond(),
                                nginx.latency().p99Ms()), ratio);
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

    private static void put(Map<String, Object> results, String who, HttpLoad.Result r) {
        results.put(who + "RequestsPerSecond", Math.round(r.requestsPerSecond()));
        results.put(who + "P50Ms", r.latency().p50Ms());
        results.put(who + "P99Ms", r.latency().p99Ms());
        results.put(who + "Ok", r.ok());
        results.put(who + "Failed", r.failed());
    }

    /** Starts the kubia pod and routes {@link #HOST} to it; returns its pod IP. */
    private static String backend(AdminClient admin) throws Exception {
        admin.ensureNamespace(NAMESPACE);
        String ns = "/api/v1/namespaces/" + NAMESPACE;
        check(admin.post(ns + "/pods", ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"kubia\"},"
                + "\"spec\":{\"nodeName\":\"" + NodePodStartupBench.NODE + "\",\"terminationGracePeriodSeconds\":1,"
                + "\"containers\":[{\"name\":\"kubia\",\"image\":\"kube4j.local/kubia:1\"}]}}").getBytes()));
        String ip = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (ip == null) {
            JsonNode pod = JSON.readTree(admin.get(ns + "/pods/kubia", AdminClient.JSON).body());
            if ("Running".equals(pod.path("status").path("phase").asText())
                    && !pod.path("status").path("podIP").asText().isEmpty()) {
                ip = pod.path("status").path("podIP").asText();
            } else if (System.nanoTime() > deadline) {
                throw new IOException("the kubia pod is not running after 90 s");
            } else {
                Thread.sleep(200);
            }
        }
        check(admin.post(ns + "/services", ("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":"
                + "\"kubia\"},\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}").getBytes()));
        check(admin.post("/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices",
                ("{\"apiVersion\":\"discovery.k8s.io/v1\",\"kind\":\"EndpointSlice\",\"metadata\":{\"name\":\"kubia-1\","
                        + "\"labels\":{\"kubernetes.io/service-name\":\"kubia\"}},\"addressType\":\"IPv4\","
                        + "\"ports\":[{\"name\":\"\",\"port\":8080,\"protocol\":\"TCP\"}],"
                        + "\"endpoints\":[{\"addresses\":[\"" + ip + "\"],\"conditions\":{\"ready\":true}}]}")
                        .getBytes()));
        check(admin.post("/apis/networking.k8s.io/v1/namespaces/" + NAMESPACE + "/ingresses",
                ("{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"kubia\"},"
                        + "\"spec\":{\"rules\":[{\"host\":\"" + HOST + "\",\"http\":{\"paths\":[{\"path\":\"/\","
                        + "\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"kubia\",\"port\":"
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
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** nginx-light as a reverse proxy to one pod, in a temporary prefix; {@link #close} stops it by its PID. */
    record Nginx(int port, String version, Process process, Path prefix) implements AutoCloseable {

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
            Nginx n = new Nginx(port, version, p, prefix);
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
