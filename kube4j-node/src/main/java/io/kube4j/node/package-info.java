/** The node: kubelet, container runtime management, pod networking and test images. */
package io.kube4j.node;
