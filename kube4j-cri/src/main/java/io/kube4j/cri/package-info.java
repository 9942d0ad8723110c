/** The container runtime interface: kube4j's narrow view of CRI v1 and its implementations. */
package io.kube4j.cri;
