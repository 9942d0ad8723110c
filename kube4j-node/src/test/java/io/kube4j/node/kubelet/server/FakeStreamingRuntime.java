package io.kube4j.node.kubelet.server;

import io.netty.handler.codec.spdy.SpdyHeaders;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the runtime's streaming server, speaking SPDY/3.1 as containerd's does.
 * Exec tokens say what the "command" does: {@code exitN} echoes stdin to stdout until stdin's
 * end, then writes "bye\n" to stderr and exits with N; {@code nostdin} writes "hi\n" and exits 0.
 * Port forwarding connects each data stream to 127.0.0.1:port.
 */
final class FakeStreamingRuntime implements AutoCloseable {
    final Vertx vertx;
    final HttpServer server;
    final NetClient net;
    final List<String> events = new CopyOnWriteArrayList<>();

    FakeStreamingRuntime(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.net = vertx.createNetClient();
        this.server = vertx.createHttpServer().requestHandler(this::onRequest).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    private void onRequest(HttpServerRequest req) {
        List<String> offered = req.headers().getAll("X-Stream-Protocol-Version");
        boolean pf = req.path().startsWith("/portforward/");
        String want = pf ? "portforward.k8s.io" : "v4.channel.k8s.io";
        if (!"SPDY/3.1".equals(req.getHeader("Upgrade")) || !offered.contains(want)) {
            req.response().setStatusCode(403).end("unable to upgrade: unable to negotiate protocol");
            return;
        }
        events.add("upgrade " + req.method() + " " + req.path());
        req.response().putHeader("X-Stream-Protocol-Version", want)
                .putHeader("Upgrade", "SPDY/3.1").putHeader("Connection", "Upgrade");
        String token = req.path().substring(req.path().lastIndexOf('/') + 1);
        req.toNetSocket().onSuccess(sock -> {
            if (pf) {
                new PortForwardSession(sock).start();
            } else {
                new ExecSession(sock, token).start();
            }
        });
    }

    private final class ExecSession implements SpdySession.Listener {
        final NetSocket sock;
        final String token;
        final SpdySession spdy;
        final Map<String, Integer> streams = new HashMap<>();
        final Map<Integer, String> types = new HashMap<>();
        boolean done;

        ExecSession(NetSocket sock, String token) {
            this.sock = sock;
            this.token = token;
            this.spdy = new SpdySession(false, sock::write, this);
        }

        void start() {
            sock.handler(spdy::feed);
            sock.closeHandler(v -> spdy.close());
        }

        @Override
        public void onStream(int id, SpdyHeaders headers, boolean fin) {
            String type = headers.getAsString("streamtype");
            streams.put(type, id);
            types.put(id, type);
            spdy.reply(id);
            events.add("stream " + type);
            if (token.equals("nostdin") && streams.containsKey("stdout") && streams.containsKey("error")) {
                spdy.write(streams.get("stdout"), Buffer.buffer("hi\n"), false);
                finish(0);
            }
        }

        @Override
        public void onData(int id, Buffer data) {
            String type = types.get(id);
            if ("stdin".equals(type)) {
                spdy.write(streams.get("stdout"), data, false);
            } else if ("resize".equals(type)) {
                events.add("resize " + data);
            }
        }

        @Override
        public void onFin(int id) {
            if ("stdin".equals(types.get(id))) {
                events.add("stdin closed");
                if (streams.containsKey("stderr")) {
                    spdy.write(streams.get("stderr"), Buffer.buffer("bye\n"), false);
                }
                finish(Integer.parseInt(token.substring(4)));
            }
        }

        private void finish(int exit) {
            if (done) {
                return;
            }
            done = true;
            String status = exit == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
                    : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: exit status "
                    + exit + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                    + exit + "\"}]}}";
            spdy.write(streams.get("error"), Buffer.buffer(status), true);
            for (Map.Entry<String, Integer> e : streams.entrySet()) {
                if (!e.getKey().equals("error")) {
                    spdy.write(e.getValue(), Buffer.buffer(), true);
                }
            }
            spdy.goAway();
            sock.close();
        }
    }

    private final class PortForwardSession implements SpdySession.Listener {
        final NetSocket sock;
        final SpdySession spdy;
        final Map<Integer, NetSocket> pods = new HashMap<>();
        final Map<Integer, List<Buffer>> early = new HashMap<>();

        PortForwardSession(NetSocket sock) {
            this.sock = sock;
            this.spdy = new SpdySession(false, sock::write, this);
        }

        void start() {
            sock.handler(spdy::feed);
            sock.closeHandler(v -> {
                pods.values().forEach(NetSocket::close);
                spdy.close();
            });
        }

        @Override
        public void onStream(int id, SpdyHeaders headers, boolean fin) {
            spdy.reply(id);
            String type = headers.getAsString("streamtype");
            events.add("pf " + type + " port=" + headers.getAsString("port") + " requestid=" + headers.getAsString("requestid"));
            if (!"data".equals(type)) {
                return;
            }
            early.put(id, new java.util.ArrayList<>());
            net.connect(Integer.parseInt(headers.getAsString("port")), "127.0.0.1").onSuccess(pod -> {
                pods.put(id, pod);
                early.remove(id).forEach(pod::write);
                pod.handler(b -> spdy.write(id, b, false));
                pod.closeHandler(v -> spdy.write(id, Buffer.buffer(), true));
            });
        }

        @Override
        public void onData(int id, Buffer data) {
            NetSocket pod = pods.get(id);
            if (pod != null) {
                pod.write(data);
            } else if (early.containsKey(id)) {
                early.get(id).add(data);
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        net.close();
    }
}
