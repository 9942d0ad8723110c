package io.kube4j.apimachinery.validation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written name checks accept exactly what upstream's patterns accept. */
class NameRulesTest {
    private static final String ALPHABET = "az09AZ-_./\n é";

    /** Every string up to length 3 over a small alphabet, and seeded random longer ones. */
    private static List<String> samples() {
        List<String> out = new ArrayList<>(List.of("", "a", "my-name", "example.com", "a..b", "-a", "a-", "a.-b",
                "kubernetes.io/name", "A_b.c-D", "_x", "x_", "9abc", "a\n"));
        char[] cs = ALPHABET.toCharArray();
        for (char a : cs) {
            out.add("" + a);
            for (char b : cs) {
                out.add("" + a + b);
                for (char c : cs) {
                    out.add("" + a + b + c);
                }
            }
        }
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int n = 4 + r.nextInt(12);
            for (int j = 0; j < n; j++) {
                s.append(cs[r.nextInt(cs.length)]);
            }
            out.add(s.toString());
        }
        return out;
    }

    @Test
    void handWrittenChecksAgreeWithThePatterns() {
        for (String s : samples()) {
            assertThat(NameRules.dns1123Label(s, 0, s.length())).as("label %s", s)
                    .isEqualTo(NameRules.DNS1123_LABEL.matcher(s).matches());
            assertThat(NameRules.dns1123Subdomain(s)).as("subdomain %s", s)
                    .isEqualTo(NameRules.DNS1123_SUBDOMAIN.matcher(s).matches());
            assertThat(NameRules.qualifiedNamePart(s)).as("qualified name %s", s)
                    .isEqualTo(NameRules.QUALIFIED_NAME.matcher(s).matches());
            assertThat(s.isEmpty() || NameRules.qualifiedNamePart(s)).as("label value %s", s)
                    .isEqualTo(NameRules.LABEL_VALUE.matcher(s).matches());
            assertThat(NameRules.cIdentifier(s)).as("C identifier %s", s)
                    .isEqualTo(NameRules.C_IDENTIFIER.matcher(s).matches());
        }
    }

    @Test
    void messagesStayUpstreams() {
        assertThat(NameRules.isDns1123Subdomain("Bad_Name")).containsExactly("a lowercase RFC 1123 subdomain must consist"
                + " of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric"
                + " character (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        assertThat(NameRules.isDns1123Subdomain("ok.name")).isEmpty();
    }
}
