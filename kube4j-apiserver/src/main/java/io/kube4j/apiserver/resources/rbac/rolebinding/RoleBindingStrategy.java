package io.kube4j.apiserver.resources.rbac.rolebinding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.validation.rbac.RbacValidation;

import java.util.List;

/**
 * RoleBindings (rbac.authorization.k8s.io/v1): a valid, immutable roleRef and valid subjects; names
 * are path segments. Stateless and thread-safe.
 */
public final class RoleBindingStrategy implements Strategy {
    @Override
    public void applyDefaults(ObjectNode obj) {
        RbacValidation.defaultBinding(obj);
    }

    @Override
    public List<FieldError> validate(ObjectNode obj) {
        return RbacValidation.binding(obj, true);
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return RbacValidation.bindingUpdate(obj, old, true);
    }

    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }
}
