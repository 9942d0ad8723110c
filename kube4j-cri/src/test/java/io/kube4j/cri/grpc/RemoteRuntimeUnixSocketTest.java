package io.kube4j.cri.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.kube4j.cri.CriException;
import io.kube4j.cri.api.*;
import io.kube4j.cri.fake.FakeRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** RemoteRuntime over a real unix socket (epoll, as for containerd), served by the fake runtime. */
class RemoteRuntimeUnixSocketTest {

    private Path dir;
    private EventLoopGroup group;
    private Server server;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "k4j-cri-uds-");
        group = new EpollEventLoopGroup(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (server != null) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    private Server start(Path socket, FakeRuntime fake) throws Exception {
        return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(CriServices.runtime(fake))
                .addService(CriServices.image(fake))
                .build()
                .start();
    }

    @Test
    void waitsForASocketThatAppearsLaterThenTalksOverIt() throws Exception {
        Path socket = dir.resolve("cri.sock");
        FakeRuntime fake = new FakeRuntime();
        try (RemoteRuntime cri = RemoteRuntime.connect("unix://" + socket)) {
            Thread starter = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                    server = start(socket, fake);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            VersionResponse version = cri.waitUntilReady(Duration.ofSeconds(10));
            starter.join();
            assertThat(version.getRuntimeName()).isEqualTo("kube4j-fake");
            fake.addImage("busybox");
            assertThat(cri.listImages(ListImagesRequest.getDefaultInstance()).getImages(0).getRepoTagsList())
                    .containsExactly("docker.io/library/busybox:latest");
        }
    }

    @Test
    void waitUntilReadyGivesUpWithDeadlineExceeded() {
        try (RemoteRuntime cri = RemoteRuntime.connect("unix://" + dir.resolve("nobody.sock"))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> cri.waitUntilReady(Duration.ofMillis(400)))
                    .isInstanceOfSatisfying(CriException.class, e -> {
                        assertThat(e.isDeadlineExceeded()).isTrue();
                        assertThat(e.description()).contains("nobody.sock").contains("not ready after PT0.4S");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThatThrownBy(() -> cri.version(VersionRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(CriException.class, e -> assertThat(e.isUnavailable()).isTrue());
        }
    }
}
