/**
 * kube-proxy on nftables: every real node agent programs one nftables table ({@code ip kube4j-proxy}) from the
 * API's Services and EndpointSlices, so ClusterIPs, NodePorts (also on 127.0.0.1), LoadBalancer ingress IPs and
 * externalIPs reach ready endpoints. {@link io.kube4j.node.proxy.ServicePorts} turns API objects into values,
 * {@link io.kube4j.node.proxy.RulesetBuilder} turns those into an {@link io.kube4j.node.proxy.NftRuleset} (pure),
 * and {@link io.kube4j.node.proxy.KubeProxy} watches the API and applies each ruleset as one {@code nft -f -}
 * transaction.
 */
package io.kube4j.node.proxy;
