package io.kube4j.apiserver.printers;

import org.junit.jupiter.api.Test;

import static io.kube4j.apiserver.printers.TableFixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class CellFormatTest {
    @Test
    void labelSelectorsSortRequirementsAndValues() {
        var sel = yaml("""
                matchLabels: {tier: fe, app: web}
                matchExpressions:
                - {key: env, operator: In, values: [prod, dev]}
                - {key: zone, operator: NotIn, values: [b, a]}
                - {key: canary, operator: DoesNotExist}
                - {key: owner, operator: Exists}
                """);
        assertThat(CellFormat.formatLabelSelector(sel))
                .isEqualTo("app=web,canary,env in (dev,prod),owner,tier=fe,zone notin (a,b)"
                        .replace("canary", "!canary"));
    }

    @Test
    void emptyAndMissingSelectorsPrintNone() {
        assertThat(CellFormat.formatLabelSelector(null)).isEqualTo("<none>");
        assertThat(CellFormat.formatLabelSelector(yaml("{}"))).isEqualTo("<none>");
        assertThat(CellFormat.selectorString(yaml("{}"))).isEmpty();
        assertThat(CellFormat.formatLabelSelector(yaml("matchExpressions: [{key: a, operator: Bogus}]")))
                .isEqualTo("<error>");
    }

    @Test
    void labelMapsAreSorted() {
        assertThat(CellFormat.formatLabels(yaml("{b: '2', a: '1'}"))).isEqualTo("a=1,b=2");
        assertThat(CellFormat.formatLabels(yaml("{}"))).isEqualTo("<none>");
    }

    @Test
    void ageOfAMissingTimestampIsUnknown() {
        assertThat(CellFormat.age(yaml("metadata: {name: x}"), TableFixtures.NOW)).isEqualTo("<unknown>");
        assertThat(CellFormat.age(yaml("metadata: {creationTimestamp: '2025-01-01T11:59:30Z'}"), TableFixtures.NOW))
                .isEqualTo("30s");
    }
}
