package io.kube4j.apiserver.resources.authentication.selfsubjectreview;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.authn.UserInfo;
import io.kube4j.apiserver.endpoints.ReviewCreate;
import io.kube4j.apiserver.registry.Strategy;

/** {@code kubectl auth whoami}: answers who the caller is, as authentication saw it. */
public final class SelfSubjectReviewStrategy implements Strategy, ReviewCreate {
    @Override
    public ObjectNode review(ObjectNode request, UserInfo user) {
        ObjectNode out = request.deepCopy();
        Json.with(out, "metadata").put("creationTimestamp", (String) null);
        ObjectNode info = Json.with(out, "status").putObject("userInfo");
        info.put("username", user.name());
        if (!user.uid().isEmpty()) {
            info.put("uid", user.uid());
        }
        ArrayNode groups = info.putArray("groups");
        user.groups().forEach(groups::add);
        if (!user.extra().isEmpty()) {
            ObjectNode extra = info.putObject("extra");
            new java.util.TreeMap<>(user.extra()).forEach((k, v) -> v.forEach(extra.withArray(k)::add));
        }
        return out;
    }
}
