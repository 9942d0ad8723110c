package io.kube4j.apiserver.registry;

/**
 * A {@link Strategy} for resources with a spec and a status: the status subresource owns
 * {@code .status}, and {@code metadata.generation} counts spec changes. Most workloads are such.
 */
public interface SpecStatusStrategy extends Strategy {
    @Override
    default boolean hasStatusSubresource() {
        return true;
    }

    @Override
    default boolean tracksGeneration() {
        return true;
    }
}
