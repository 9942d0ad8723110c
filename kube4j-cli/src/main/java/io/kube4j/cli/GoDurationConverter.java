package io.kube4j.cli;

import io.kube4j.apimachinery.time.GoDurations;
import picocli.CommandLine;

import java.time.Duration;

/** Reads a flag in Go's duration syntax ({@code 40s}, {@code 1m}, {@code 500ms}), as kube-controller-manager's. */
final class GoDurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return GoDurations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
