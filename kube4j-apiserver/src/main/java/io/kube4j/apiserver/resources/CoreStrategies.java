package io.kube4j.apiserver.resources;

import io.kube4j.apiserver.registry.Strategy;

import java.util.HashMap;
import java.util.Map;

/** Strategies of built-in resources, keyed by {@code group/resource} (core group empty). */
final class CoreStrategies {
    private CoreStrategies() {
    }

    static Map<String, Strategy> all() {
        Map<String, Strategy> m = new HashMap<>();
        return m;
    }
}
