package io.kube4j.apiserver.resources.rbac.clusterrole;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.rbac.RbacValidation;

import java.util.List;

/**
 * ClusterRoles (rbac.authorization.k8s.io/v1): every rule names verbs, and resources or non-resource
 * URLs; names are path segments. Stateless and thread-safe.
 */
public final class ClusterRoleStrategy implements Strategy {
    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return RbacValidation.role(obj, false);
    }

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }
}
