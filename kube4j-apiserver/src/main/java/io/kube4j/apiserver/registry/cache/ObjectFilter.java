package io.kube4j.apiserver.registry.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A predicate over cached objects: namespace, label and field selectors together. Thread-safe. */
@FunctionalInterface
public interface ObjectFilter {
    ObjectFilter ALL = o -> true;

    boolean matches(ObjectNode obj);
}
