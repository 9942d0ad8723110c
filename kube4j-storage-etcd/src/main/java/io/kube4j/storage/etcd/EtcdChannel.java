package io.kube4j.storage.etcd;

import io.grpc.Attributes;
import io.grpc.ChannelCredentials;
import io.grpc.EquivalentAddressGroup;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the one gRPC channel an {@link EtcdStorage} talks over: every endpoint of {@link EtcdOptions} is an
 * address of the channel and calls are balanced round robin over the members that are up, so losing a member
 * moves calls to the others. TLS (server CA, client certificate) comes from the options. Called once per store;
 * the channel is thread-safe.
 */
final class EtcdChannel {
    private static final String SCHEME = "kube4j-etcd";

    private EtcdChannel() {
    }

    static ManagedChannel open(EtcdOptions options) {
        NameResolverRegistry registry = new NameResolverRegistry();
        registry.register(new EndpointsProvider(options.endpoints()));
        return Grpc.newChannelBuilder(SCHEME + ":///etcd", credentials(options), registry)
                .defaultLoadBalancingPolicy("round_robin")
                // a broken connection is noticed within seconds even when no call is running
                .keepAliveTime(30, TimeUnit.SECONDS)
                .keepAliveTimeout(5, TimeUnit.SECONDS)
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
    }

    private static ChannelCredentials credentials(EtcdOptions options) {
        if (!options.tls()) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
            if (options.caFile() != null) {
                tls.trustManager(options.caFile().toFile());
            }
            if (options.certFile() != null) {
                tls.keyManager(options.certFile().toFile(), options.keyFile().toFile());
            }
            return tls.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load etcd TLS files: " + e.getMessage(), e);
        }
    }

    /** Resolves the fixed endpoint list; each address keeps its own host name for TLS verification. */
    private static final class EndpointsProvider extends NameResolverProvider {
        private final List<URI> endpoints;

        EndpointsProvider(List<URI> endpoints) {
            this.endpoints = endpoints;
        }

        @Override
        protected boolean isAvailable() {
            return true;
        }

        @Override
        protected int priority() {
            return 5;
        }

        @Override
        public String getDefaultScheme() {
            return SCHEME;
        }

        @Override
        public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
            return List.of(InetSocketAddress.class);
        }

        @Override
        public NameResolver newNameResolver(URI target, NameResolver.Args args) {
            if (!SCHEME.equals(target.getScheme())) {
                return null;
            }
            return new NameResolver() {
                @Override
                public String getServiceAuthority() {
                    URI first = endpoints.get(0);
                    return first.getHost() + ":" + first.getPort();
                }

                @Override
                public void start(Listener2 listener) {
                    List<EquivalentAddressGroup> groups = endpoints.stream().map(u -> new EquivalentAddressGroup(
                            new InetSocketAddress(u.getHost(), u.getPort()),
                            Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE,
                                    u.getHost() + ":" + u.getPort()).build())).toList();
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
                }

                @Override
                public void shutdown() {
                }
            };
        }
    }
}
