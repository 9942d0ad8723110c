/**
 * Simulated nodes, in the spirit of kwok: many Node objects served by one process, without containers. Each node
 * registers, heartbeats through its Lease and reports pods bound to it as running, so the control plane (scheduler,
 * controllers, node lifecycle) can be driven at scale and node failures can be staged.
 */
package io.kube4j.node.simulated;
