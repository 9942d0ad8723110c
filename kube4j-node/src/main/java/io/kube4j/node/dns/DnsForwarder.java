package io.kube4j.node.dns;

import org.xbill.DNS.Message;

import java.io.IOException;

/**
 * Sends a query the cluster zone does not own to the node's resolvers. Called by {@link ClusterDnsResolver} from many
 * query threads at once: implementations are thread-safe and may block (queries run on virtual threads).
 */
@FunctionalInterface
public interface DnsForwarder {
    /** The upstream's response to {@code query} (same id), or an exception when no upstream answered. */
    Message forward(Message query) throws IOException;
}
