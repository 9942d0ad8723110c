package io.kube4j.node.apiserverlb;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiServerLoadBalancerTest {
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** A line server on loopback that answers every line with "NAME:line". */
    private ServerSocket server(String name) throws IOException {
        ServerSocket ss = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        closing.add(ss);
        Thread.ofVirtual().start(() -> {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.UTF_8)); var out = new PrintWriter(s.getOutputStream(), true)) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                out.println(name + ":" + line);
                            }
                        } catch (IOException ignored) {
                            // the test closed the server
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        return ss;
    }

    private static InetSocketAddress addr(ServerSocket ss) {
        return InetSocketAddress.createUnresolved("127.0.0.1", ss.getLocalPort());
    }

    /** Opens a connection through the balancer and sends one line; the answer, or null when the connection ends. */
    private static String ask(ApiServerLoadBalancer lb, String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.port());
             var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(s.getOutputStream(), true)) {
            s.setSoTimeout(5000);
            out.println(line);
            return in.readLine();
        }
    }

    /** Waits until the closed server's port refuses connections (its listening socket is gone). */
    private static void awaitRefused(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(50);
            } catch (IOException refused) {
                return;
            }
        }
        throw new AssertionError("port " + port + " still accepts connections");
    }

    private static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    @Test
    void connectionsGoToThePreferredServerAndMoveOnWhenItDies() throws Exception {
        ServerSocket a = server("a");
        ServerSocket b = server("b");
        ApiServerLoadBalancer lb = ApiServerLoadBalancer.start(List.of(addr(a), addr(b)), 0);
        closing.add(lb);
        assertThat(ask(lb, "1")).isEqualTo("a:1");
        assertThat(ask(lb, "2")).isEqualTo("a:2");
        a.close();
        awaitRefused(a.getLocalPort());
        assertThat(ask(lb, "3")).isEqualTo("b:3");
        assertThat(lb.preferred().getPort()).isEqualTo(b.getLocalPort());
        assertThat(ask(lb, "4")).isEqualTo("b:4");
    }

    @Test
    void aDeadFirstServerIsSkippedAndNoServerMeansAClosedConnection() throws Exception {
        ServerSocket b = server("b");
        ApiServerLoadBalancer lb = ApiServerLoadBalancer.start(
                List.of(InetSocketAddress.createUnresolved("127.0.0.1", freePort()), addr(b)), 0);
        closing.add(lb);
        assertThat(ask(lb, "x")).isEqualTo("b:x");
        b.close();
        awaitRefused(b.getLocalPort());
        assertThat(ask(lb, "y")).isNull();
    }

    @Test
    void closingTheBalancerEndsItsConnections() throws Exception {
        ServerSocket a = server("a");
        ApiServerLoadBalancer lb = ApiServerLoadBalancer.start(List.of(addr(a)), 0);
        closing.add(lb);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), lb.port());
             var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintWriter(s.getOutputStream(), true)) {
            s.setSoTimeout(5000);
            out.println("hello");
            assertThat(in.readLine()).isEqualTo("a:hello");
            lb.close();
            assertThat(in.readLine()).isNull();
        }
    }

    @Test
    void serverUrlsBecomeAddresses() {
        assertThat(ApiServerLoadBalancer.addresses(List.of("https://10.0.0.1:6443", " https://server.example/")))
                .extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.0.1", 6443),
                        org.assertj.core.groups.Tuple.tuple("server.example", 443));
    }
}
