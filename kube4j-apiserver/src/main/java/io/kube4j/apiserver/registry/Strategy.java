package io.kube4j.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.validation.FieldError;

import java.util.List;
import java.util.Map;

/**
 * The per-resource rules the generic {@link Store} applies: defaulting, preparation, validation,
 * canonicalization, warnings and selectable fields. One instance per resource, stateless and
 * thread-safe. Called by the store on every write; none of these methods touches storage.
 */
public interface Strategy {

    /** Fills defaults, as upstream's defaulting on decode. Called for create and update bodies. */
    default void applyDefaults(ObjectNode obj) {
    }

    /** Prepares a new object: e.g. clears status the client must not set. */
    default void prepareForCreate(ObjectNode obj) {
    }

    /** Prepares an update: e.g. keeps the stored status when the status subresource owns it. */
    default void prepareForUpdate(ObjectNode obj, ObjectNode old) {
    }

    /** Validates a new object beyond object metadata, which the store checks. */
    default List<FieldError> validate(ObjectNode obj) {
        return List.of();
    }

    /** Validates an update, including immutable fields. */
    default List<FieldError> validateUpdate(ObjectNode obj, ObjectNode old) {
        return validate(obj);
    }

    /**
     * Validates an update made through a subresource other than the main resource, such as
     * {@code status} or {@code binding}. The default applies {@link #validateUpdate}.
     */
    default List<FieldError> validateSubresourceUpdate(String subresource, ObjectNode obj, ObjectNode old) {
        return validateUpdate(obj, old);
    }

    /** Normalizes an object before it is stored. */
    default void canonicalize(ObjectNode obj) {
    }

    /** Non-fatal warnings returned in {@code Warning} headers on create. */
    default List<String> warningsOnCreate(ObjectNode obj) {
        return List.of();
    }

    /** Non-fatal warnings returned in {@code Warning} headers on update. */
    default List<String> warningsOnUpdate(ObjectNode obj, ObjectNode old) {
        return List.of();
    }

    /** Whether PUT may create a missing object. */
    default boolean allowCreateOnUpdate() {
        return false;
    }

    /** Whether PUT without resourceVersion is allowed. */
    default boolean allowUnconditionalUpdate() {
        return true;
    }

    /** Whether the status subresource owns {@code .status} (so main-resource writes keep it). */
    default boolean hasStatusSubresource() {
        return false;
    }

    /**
     * Fields a field selector may name, besides {@code metadata.name} and
     * {@code metadata.namespace}, with their values for {@code obj}.
     */
    default Map<String, String> selectableFields(ObjectNode obj) {
        return Map.of();
    }

    /**
     * The grace period of a delete. {@code requested} is the client's value or null; the default is
     * immediate. Pods override this with {@code spec.terminationGracePeriodSeconds}.
     */
    default long gracePeriodSeconds(ObjectNode obj, Long requested) {
        return 0;
    }

    /** Changes made to an object when a graceful delete starts (e.g. pod status). */
    default void prepareForGracefulDelete(ObjectNode obj) {
    }

    /**
     * Whether something besides metadata finalizers holds a delete pending, as a namespace's
     * {@code spec.finalizers} do.
     */
    default boolean blocksDeletion(ObjectNode obj) {
        return false;
    }

    /** Whether {@code metadata.generation} is kept and bumped on spec changes. */
    default boolean tracksGeneration() {
        return false;
    }

    /** Name rule for {@code metadata.name}; most kinds use a DNS-1123 subdomain. */
    default NameRule nameRule() {
        return NameRule.DNS1123_SUBDOMAIN;
    }

    /** Which rule checks {@code metadata.name}. */
    enum NameRule { DNS1123_SUBDOMAIN, DNS1123_LABEL, DNS1035_LABEL, PATH_SEGMENT }
}
