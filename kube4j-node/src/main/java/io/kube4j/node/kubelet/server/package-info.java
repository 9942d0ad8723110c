/**
 * The kubelet's HTTPS server (port 10250): health, container logs, and the streaming endpoints
 * exec, attach and portForward, which the API server proxies to. Streaming requests are bridged
 * to the container runtime's streaming server (SPDY/3.1 on the runtime side).
 */
package io.kube4j.node.kubelet.server;
