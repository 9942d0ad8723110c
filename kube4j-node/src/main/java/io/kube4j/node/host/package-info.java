/**
 * Host prerequisites of a node: {@link io.kube4j.node.host.HostPackages} (programs present, else
 * apt-get or a message naming the Debian packages) and {@link io.kube4j.node.host.HostCommand}
 * (runs host programs).
 *
 * <p>A node sets its host up in this order: {@code HostPackages.forThisHost().ensureInstalled()};
 * {@code new NetworkGuard(options).install()}; {@code TestImages.ensureBuilt(dataDir)};
 * {@code Containerd.managed(config).start()}; {@code new ImageImporter(containerd.socket())
 * .importDirectory(dataDir.resolve("images"))}; once the podCIDR is known,
 * {@code CniConfig.write(config.cniConfDir(), CniConfig.Options.of(dataDir, podCidr))}. On the way
 * out: the kubelet stops the pods, {@code containerd.stop()}, then {@code kube4j cleanup} runs
 * {@code NodeCleanup.run()}.
 */
package io.kube4j.node.host;
