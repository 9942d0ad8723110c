package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.storage.KeyValue;

/**
 * Turns stored bytes into API objects and back. The resourceVersion is never stored: it is the
 * key's modification revision, set on every read, as upstream does with etcd.
 */
public final class ObjectCodec {
    private ObjectCodec() {
    }

    public static ObjectNode decode(KeyValue kv) {
        if (kv == null) {
            return null;
        }
        ObjectNode obj = (ObjectNode) Json.parse(kv.value());
        Json.with(obj, "metadata").put("resourceVersion", Long.toString(kv.modRevision()));
        return obj;
    }

    public static byte[] encode(ObjectNode obj) {
        ObjectNode meta = (ObjectNode) obj.get("metadata");
        if (meta == null || !meta.has("resourceVersion")) {
            return Json.bytes(obj);
        }
        ObjectNode copy = obj.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("resourceVersion");
        return Json.bytes(copy);
    }
}
