package io.kube4j.apiserver.validation.authentication;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's rules for an authentication.k8s.io/v1 TokenRequest spec, after defaulting: the duration is between ten
 * minutes and 2^32 seconds. Pure; thread-safe.
 */
public final class TokenRequestValidation {
    public static final long MIN_EXPIRATION_SECONDS = 10 * 60;
    public static final long MAX_EXPIRATION_SECONDS = 1L << 32;

    private TokenRequestValidation() {
    }

    public static List<FieldError> validate(JsonNode spec) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath exp = FieldPath.root("spec").child("expirationSeconds");
        long seconds = spec.path("expirationSeconds").asLong();
        if (seconds < MIN_EXPIRATION_SECONDS) {
            errs.add(FieldError.invalid(exp, seconds, "may not specify a duration less than 10 minutes"));
        }
        if (seconds > MAX_EXPIRATION_SECONDS) {
            errs.add(FieldError.invalid(exp, seconds, "may not specify a duration larger than 2^32 seconds"));
        }
        return errs;
    }
}
