package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.authn.UserInfo;

/**
 * Implemented by strategies of create-only resources that are answered, never stored, such as
 * SelfSubjectReview and SelfSubjectAccessReview: the server fills in {@code status} from the request
 * and its caller. Thread-safe.
 */
public interface ReviewCreate {
    /** Returns the review with its status filled in. */
    ObjectNode review(ObjectNode request, UserInfo user);
}
