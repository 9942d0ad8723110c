package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A check or mutation that runs on every write after validation and before storage, as upstream's
 * admission chain. Implementations are thread-safe and may throw {@code StatusException}.
 */
public interface AdmissionPlugin {
    enum Operation { CREATE, UPDATE, DELETE }

    /** @param old the stored object for UPDATE and DELETE, null for CREATE */
    void admit(Operation operation, ResourceInfo resource, String namespace, ObjectNode obj, ObjectNode old);
}
