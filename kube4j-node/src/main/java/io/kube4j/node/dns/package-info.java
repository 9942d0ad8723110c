/**
 * Cluster DNS: answers Kubernetes service, endpoint and pod names from informer caches (upstream's DNS schema 1.1.0)
 * and forwards other names to the node's resolvers; runs on every real node, bound to the pod bridge's gateway, and
 * publishes the {@code kube-system/kube-dns} Service with one EndpointSlice per node.
 */
package io.kube4j.node.dns;
