package io.kube4j.e2e;

import java.util.Arrays;
import java.util.List;

/**
 * What one kubectl run produced. {@link #toString()} shows the command and both streams, so an
 * assertion that names the result as its description explains itself when it fails.
 */
public record KubectlResult(String command, int exitCode, String stdout, String stderr, boolean timedOut) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** Non-empty stdout lines, trailing spaces removed. */
    public List<String> lines() {
        return Arrays.stream(stdout.split("\n")).map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
    }

    /** stdout without the trailing newline. */
    public String out() {
        return stdout.strip();
    }

    /** stderr without the trailing newline. */
    public String err() {
        return stderr.strip();
    }

    @Override
    public String toString() {
        return "$ " + command + "\nexit code: " + (timedOut ? "TIMED OUT" : exitCode)
                + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr + "---";
    }
}
