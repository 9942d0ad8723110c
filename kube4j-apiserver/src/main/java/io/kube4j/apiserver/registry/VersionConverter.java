package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Converts objects between a served version of a resource and the version it is stored in, as
 * upstream does for autoscaling/v1 HorizontalPodAutoscalers (stored as v2) and events.k8s.io/v1
 * Events (stored as core/v1). Stateless, thread-safe; both methods return new objects and never
 * change their argument.
 */
public interface VersionConverter {
    /** The object in the storage version, from a request body in the served version. */
    ObjectNode toStorage(ObjectNode served);

    /** The object in the served version, from the stored one. */
    ObjectNode fromStorage(ObjectNode stored);
}
