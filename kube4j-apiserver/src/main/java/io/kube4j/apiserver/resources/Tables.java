package io.kube4j.apiserver.resources;

import io.kube4j.apiserver.printers.TableConvertor;

import java.util.HashMap;
import java.util.Map;

/** Table convertors of built-in resources, keyed by {@code group/resource} (core group empty). */
final class Tables {
    private Tables() {
    }

    static Map<String, TableConvertor> all() {
        Map<String, TableConvertor> m = new HashMap<>();
        return m;
    }
}
