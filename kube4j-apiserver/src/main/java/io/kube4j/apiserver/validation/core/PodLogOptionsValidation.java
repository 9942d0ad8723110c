package io.kube4j.apiserver.validation.core;

import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;
import io.kube4j.apiserver.resources.core.pod.PodLogOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules of {@code GET pods/NAME/log}'s options, as upstream's ValidatePodLogOptions. Called by
 * the pod log endpoint before it looks the pod up; pure and thread-safe.
 */
public final class PodLogOptionsValidation {
    private PodLogOptionsValidation() {
    }

    public static List<FieldError> validate(PodLogOptions opts) {
        List<FieldError> errs = new ArrayList<>();
        if (opts.tailLines() != null && opts.tailLines() < 0) {
            errs.add(FieldError.invalid(FieldPath.root("tailLines"), opts.tailLines(), "must be greater than or equal to 0"));
        }
        if (opts.limitBytes() != null && opts.limitBytes() < 1) {
            errs.add(FieldError.invalid(FieldPath.root("limitBytes"), opts.limitBytes(), "must be greater than 0"));
        }
        if (opts.sinceSeconds() != null && opts.sinceTime() != null) {
            errs.add(FieldError.forbidden(FieldPath.root(""), "at most one of `sinceTime` or `sinceSeconds` may be specified"));
        } else if (opts.sinceSeconds() != null && opts.sinceSeconds() < 1) {
            errs.add(FieldError.invalid(FieldPath.root("sinceSeconds"), opts.sinceSeconds(), "must be greater than 0"));
        }
        return errs;
    }
}
