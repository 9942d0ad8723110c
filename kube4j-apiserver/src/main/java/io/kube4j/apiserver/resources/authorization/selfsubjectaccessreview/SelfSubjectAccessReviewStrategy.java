package io.kube4j.apiserver.resources.authorization.selfsubjectaccessreview;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.ReviewCreate;
import io.kube4j.apiserver.registry.Strategy;

/**
 * {@code kubectl auth can-i}: answers whether the caller may do something. kube4j authorizes every
 * authenticated user until RBAC is enforced, so the answer says so.
 */
public final class SelfSubjectAccessReviewStrategy implements Strategy, ReviewCreate {
    @Override
    public ObjectNode review(ObjectNode request, UserInfo user) {
        ObjectNode out = request.deepCopy();
        Json.with(out, "metadata").put("creationTimestamp", (String) null);
        ObjectNode status = Json.with(out, "status");
        status.put("allowed", true);
        status.put("reason", "kube4j allows every authenticated user (RBAC is not enforced yet)");
        return out;
    }
}
