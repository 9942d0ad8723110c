package io.kube4j.e2e;

import org.assertj.core.api.AbstractAssert;

import java.util.regex.Pattern;

/**
 * AssertJ assertions on a kubectl run; every failure message carries the command, exit code and both streams.
 * Use {@code KubectlResultAssert.assertThat(kubectl.run(...)).succeeds().printed("pod/x created")}.
 */
public final class KubectlResultAssert extends AbstractAssert<KubectlResultAssert, KubectlResult> {
    private KubectlResultAssert(KubectlResult actual) {
        super(actual, KubectlResultAssert.class);
    }

    public static KubectlResultAssert assertThat(KubectlResult actual) {
        return new KubectlResultAssert(actual);
    }

    /** Exit code 0, within the timeout. */
    public KubectlResultAssert succeeds() {
        isNotNull();
        if (!actual.succeeded()) {
            failWithMessage("expected kubectl to succeed, but:%n%s", actual);
        }
        return this;
    }

    /** Exit code {@code code} (kubectl uses 1 for almost every error). */
    public KubectlResultAssert exitsWith(int code) {
        isNotNull();
        if (actual.timedOut() || actual.exitCode() != code) {
            failWithMessage("expected exit code %s, but:%n%s", code, actual);
        }
        return this;
    }

    /** stdout, without its final newline, equals {@code expected}. */
    public KubectlResultAssert printed(String expected) {
        if (!actual.out().equals(expected.strip())) {
            failWithMessage("expected stdout to be exactly%n  <%s>%nbut:%n%s", expected.strip(), actual);
        }
        return this;
    }

    /** stderr, without its final newline, equals {@code expected}. */
    public KubectlResultAssert printedError(String expected) {
        if (!actual.err().equals(expected.strip())) {
            failWithMessage("expected stderr to be exactly%n  <%s>%nbut:%n%s", expected.strip(), actual);
        }
        return this;
    }

    public KubectlResultAssert stdoutContains(String... parts) {
        for (String part : parts) {
            if (!actual.stdout().contains(part)) {
                failWithMessage("expected stdout to contain%n  <%s>%nbut:%n%s", part, actual);
            }
        }
        return this;
    }

    public KubectlResultAssert stdoutDoesNotContain(String... parts) {
        for (String part : parts) {
            if (actual.stdout().contains(part)) {
                failWithMessage("expected stdout not to contain%n  <%s>%nbut:%n%s", part, actual);
            }
        }
        return this;
    }

    public KubectlResultAssert stderrContains(String... parts) {
        for (String part : parts) {
            if (!actual.stderr().contains(part)) {
                failWithMessage("expected stderr to contain%n  <%s>%nbut:%n%s", part, actual);
            }
        }
        return this;
    }

    /** Some stdout line (trailing spaces removed) matches {@code regex} entirely. */
    public KubectlResultAssert hasLineMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        if (actual.lines().stream().noneMatch(l -> p.matcher(l).matches())) {
            failWithMessage("expected a stdout line matching%n  /%s/%nbut:%n%s", regex, actual);
        }
        return this;
    }

    /** No stdout line matches {@code regex} entirely. */
    public KubectlResultAssert hasNoLineMatching(String regex) {
        Pattern p = Pattern.compile(regex);
        if (actual.lines().stream().anyMatch(l -> p.matcher(l).matches())) {
            failWithMessage("expected no stdout line matching%n  /%s/%nbut:%n%s", regex, actual);
        }
        return this;
    }

    /** The first stdout line (a table header) matches {@code regex} entirely. */
    public KubectlResultAssert headerMatches(String regex) {
        if (actual.lines().isEmpty() || !actual.lines().getFirst().matches(regex)) {
            failWithMessage("expected the first stdout line to match%n  /%s/%nbut:%n%s", regex, actual);
        }
        return this;
    }

    /** The table has exactly {@code rows} rows below its header. */
    public KubectlResultAssert hasRows(int rows) {
        int actualRows = Math.max(0, actual.lines().size() - 1);
        if (actualRows != rows) {
            failWithMessage("expected %s table rows, found %s:%n%s", rows, actualRows, actual);
        }
        return this;
    }
}
