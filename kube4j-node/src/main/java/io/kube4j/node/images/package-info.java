/**
 * Images without a registry: the OCI archive writer, the built-in test images from busybox, and
 * the importer into containerd's k8s.io namespace.
 */
package io.kube4j.node.images;
