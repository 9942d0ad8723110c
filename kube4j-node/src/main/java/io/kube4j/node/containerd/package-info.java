/** The node's containerd: config, child process, or an existing endpoint. See {@link io.kube4j.node.containerd.Containerd}. */
package io.kube4j.node.containerd;
