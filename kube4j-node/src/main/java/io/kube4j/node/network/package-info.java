/**
 * Pod networking on the host: the safety guard ({@link io.kube4j.node.network.NetworkGuard}), the
 * CNI conflist ({@link io.kube4j.node.network.CniConfig}) and the clean-up
 * ({@link io.kube4j.node.network.NodeCleanup}).
 */
package io.kube4j.node.network;
