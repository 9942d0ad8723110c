package io.kube4j.apiserver.authn;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as authentication established it. {@code extra} holds upstream's extra attributes (for
 * service accounts: the credential id and the pod or node the token is bound to); usually empty.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
    public UserInfo {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public UserInfo(String name, String uid, List<String> groups) {
        this(name, uid, groups, Map.of());
    }
}
