package io.kube4j.e2e;

/** A namespace created for one test method by {@link Kube4jExtension}; {@code kubectl} passes {@code -n name}. */
public record TestNamespace(String name, Kubectl kubectl) {
}
