package io.kube4j.controllers.nodeipam;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kube4j.controllers.Controller;
import io.kube4j.controllers.ControllerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * Gives every node a pod CIDR: the next free block of {@code nodeMaskSize} bits from the cluster CIDR (10.42.0.0/16
 * in /24s by default), written to {@code spec.podCIDR} and {@code spec.podCIDRs}, as upstream's node IPAM controller
 * does. The blocks on the nodes are marked used once, before the first is handed out; after that a block is checked
 * against the nodes' index by block before it is given, so one given meanwhile by someone else is skipped. A deleted
 * node's block is freed. One worker, so the allocator is touched by one thread at a time.
 */
public final class NodeIpamController extends Controller {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);

    private static final String BY_POD_CIDR = "podCIDR";

    private final CidrSet cidrs;
    private SharedIndexInformer<Node> nodes;
    /** Whether the blocks already on nodes were marked: once per term, not per node (5,000 nodes joining). */
    private boolean occupiedFromNodes;

    public NodeIpamController(ControllerContext ctx, String clusterCidr, int nodeMaskSize) {
        super(ctx);
        this.cidrs = new CidrSet(clusterCidr, nodeMaskSize);
    }

    @Override
    public String name() {
        return "nodeipam";
    }

    @Override
    protected int workers() {
        return 1;
    }

    @Override
    protected void register() {
        nodes = ctx.informer(Node.class);
        nodes.addIndexers(Map.of(BY_POD_CIDR, n -> n.getSpec() == null || n.getSpec().getPodCIDR() == null
                ? List.of() : List.of(n.getSpec().getPodCIDR())));
        nodes.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                enqueue(node.getMetadata().getName());
            }

            @Override
            public void onUpdate(Node oldNode, Node node) {
                if (node.getSpec() == null || node.getSpec().getPodCIDR() == null) {
                    enqueue(node.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Node node, boolean unknownFinalState) {
                if (node.getSpec() != null && node.getSpec().getPodCIDR() != null) {
                    enqueue("-" + node.getSpec().getPodCIDR());
                }
            }
        });
    }

    @Override
    protected void sync(String key) {
        if (key.startsWith("-")) {
            cidrs.release(key.substring(1));
            return;
        }
        Node node = nodes.getStore().getByKey(key);
        if (node == null || (node.getSpec() != null && node.getSpec().getPodCIDR() != null)) {
            return;
        }
        if (!occupiedFromNodes) {
            // blocks already assigned must be known before a new one is handed out
            for (Node n : nodes.getStore().list()) {
                if (n.getSpec() != null && n.getSpec().getPodCIDR() != null) {
                    cidrs.occupy(n.getSpec().getPodCIDR());
                }
            }
            occupiedFromNodes = true;
        }
        String cidr = cidrs.allocateNext();
        // a block a node got since (from another controller manager, or by hand) stays marked and is passed over
        while (cidr != null && !nodes.getIndexer().byIndex(BY_POD_CIDR, cidr).isEmpty()) {
            cidr = cidrs.allocateNext();
        }
        if (cidr == null) {
            LOG.warn("no pod CIDR left for node {}", key);
            return;
        }
        try {
            ctx.client().nodes().withName(key).patch(PatchContext.of(PatchType.JSON_MERGE),
                    "{\"spec\":{\"podCIDR\":\"" + cidr + "\",\"podCIDRs\":[\"" + cidr + "\"]}}");
            LOG.info("node {} gets pod CIDR {}", key, cidr);
        } catch (KubernetesClientException e) {
            cidrs.release(cidr);
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    /** Blocks of a fixed size inside one IPv4 CIDR, handed out lowest first. Not thread-safe. */
    static final class CidrSet {
        private final long base;
        private final int blockBits;
        private final int blocks;
        private final int maskSize;
        private final BitSet used = new BitSet();

        CidrSet(String cidr, int maskSize) {
            String[] parts = cidr.split("/");
            int prefix = Integer.parseInt(parts[1]);
            if (maskSize < prefix || maskSize > 30) {
                throw new IllegalArgumentException("node mask size " + maskSize + " does not fit in " + cidr);
            }
            this.base = ipv4(parts[0]) & (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
            this.blockBits = 32 - maskSize;
            this.blocks = 1 << (maskSize - prefix);
            this.maskSize = maskSize;
        }

        String allocateNext() {
            int i = used.nextClearBit(0);
            if (i >= blocks) {
                return null;
            }
            used.set(i);
            return format(base + ((long) i << blockBits)) + "/" + maskSize;
        }

        void occupy(String cidr) {
            int i = index(cidr);
            if (i >= 0) {
                used.set(i);
            }
        }

        void release(String cidr) {
            int i = index(cidr);
            if (i >= 0) {
                used.clear(i);
            }
        }

        private int index(String cidr) {
            String[] parts = cidr.split("/");
            if (parts.length != 2 || Integer.parseInt(parts[1]) != maskSize) {
                return -1;
            }
            long off = ipv4(parts[0]) - base;
            if (off < 0 || (off >> blockBits) >= blocks) {
                return -1;
            }
            return (int) (off >> blockBits);
        }

        static long ipv4(String ip) {
            String[] o = ip.split("\\.");
            return (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16) | (Long.parseLong(o[2]) << 8)
                    | Long.parseLong(o[3]);
        }

        static String format(long ip) {
            return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
        }
    }
}
