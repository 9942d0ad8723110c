/** Reading container logs in the CRI log file format, with upstream's follow, tail, since, timestamps and limit semantics. */
package io.kube4j.node.kubelet.logs;
