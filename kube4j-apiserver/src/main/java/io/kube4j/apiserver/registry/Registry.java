package io.kube4j.apiserver.registry;

import io.kube4j.apiserver.printers.TableConvertor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every served resource: its store and table convertor, looked up by group, version and plural
 * name. Filled once at start, read-only afterwards; thread-safe to read.
 */
public final class Registry {
    /** One served resource. */
    public record Entry(ResourceInfo info, Store store, TableConvertor table) {
    }

    private final Map<String, Entry> byPath = new LinkedHashMap<>();
    private final Map<String, Store> byGroupResource = new LinkedHashMap<>();
    private volatile int generation;

    /** Changes whenever a resource is added, so derived documents know when to rebuild. */
    public int generation() {
        return generation;
    }

    public synchronized void add(Store store, TableConvertor table) {
        generation++;
        ResourceInfo info = store.info();
        byPath.put(path(info.group(), info.version(), info.resource()), new Entry(info, store, table));
        byGroupResource.putIfAbsent(info.group() + "/" + info.resource(), store);
    }

    /** The entry for {@code group/version/resource}, or null. */
    public Entry find(String group, String version, String resource) {
        return byPath.get(path(group, version, resource));
    }

    /** The store for a group and resource, whichever version serves it. */
    public Store store(String group, String resource) {
        Store s = byGroupResource.get(group + "/" + resource);
        if (s == null) {
            throw new IllegalArgumentException("no such resource " + resource + "." + group);
        }
        return s;
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(byPath.values()));
    }

    /** Group versions in registration order: the first version of a group is preferred. */
    public List<String> groupVersions() {
        List<String> out = new ArrayList<>();
        for (Entry e : byPath.values()) {
            String gv = e.info().apiVersion();
            if (!out.contains(gv)) {
                out.add(gv);
            }
        }
        return out;
    }

    private static String path(String group, String version, String resource) {
        return group + "/" + version + "/" + resource;
    }
}
