package io.kube4j.apiserver.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.registry.ResourceInfo;

import java.util.List;

/**
 * Finds fields a request body sets that the resource's schema does not declare, for
 * {@code fieldValidation=Strict|Warn}. Thread-safe.
 */
@FunctionalInterface
public interface FieldValidation {
    FieldValidation NONE = (info, obj) -> List.of();

    /** Paths of unknown fields, as upstream prints them: {@code spec.containers[0].foo}. */
    List<String> unknownFields(ResourceInfo info, ObjectNode obj);

    /**
     * Like {@link #unknownFields} but also removes those fields from {@code obj}, as upstream's decoder
     * drops them under {@code Warn} and {@code Ignore}. The default only finds them.
     */
    default List<String> removeUnknownFields(ResourceInfo info, ObjectNode obj) {
        return unknownFields(info, obj);
    }
}
