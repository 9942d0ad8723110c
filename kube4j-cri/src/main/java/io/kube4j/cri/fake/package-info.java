/** An in-memory CRI runtime for tests of the kubelet: {@link io.kube4j.cri.fake.FakeRuntime}. */
package io.kube4j.cri.fake;
