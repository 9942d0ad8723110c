import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.kube4j.cri.fake.FakeRuntime;
import io.kube4j.cri.grpc.CriServices;

/**
 * A CRI endpoint for AgentIT: kube4j's FakeRuntime served over gRPC on the unix socket given as the only argument,
 * until SIGTERM. Run in source-file mode with kube4j's runnable jar on the class path
 * ({@code java -cp kube4j-all.jar FakeCriServer.java SOCKET}), because the e2e module's class path does not carry
 * kube4j-cri.
 */
public class FakeCriServer {
    public static void main(String[] args) throws Exception {
        FakeRuntime fake = new FakeRuntime();
        fake.addImage("kube4j.local/pause:3.10");
        var group = new EpollEventLoopGroup(1);
        Server server = NettyServerBuilder.forAddress(new DomainSocketAddress(args[0]))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group).workerEventLoopGroup(group)
                .addService(CriServices.runtime(fake)).addService(CriServices.image(fake))
                .build().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdownNow();
            group.shutdownGracefully();
        }));
        System.out.println("fake CRI serving on " + args[0]);
        System.out.flush();
        server.awaitTermination();
    }
}
