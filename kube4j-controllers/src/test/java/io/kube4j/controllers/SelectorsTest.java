package io.kube4j.controllers;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SelectorsTest {
    @Test
    void matchLabelsAndExpressionsAllMustHold() {
        LabelSelector s = new LabelSelectorBuilder().withMatchLabels(Map.of("app", "kubia"))
                .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "qa").endMatchExpression()
                .addNewMatchExpression().withKey("tier").withOperator("NotIn").withValues("db").endMatchExpression()
                .addNewMatchExpression().withKey("rel").withOperator("Exists").endMatchExpression()
                .addNewMatchExpression().withKey("legacy").withOperator("DoesNotExist").endMatchExpression()
                .build();
        assertThat(Selectors.matches(s, Map.of("app", "kubia", "env", "qa", "rel", "x"))).isTrue();
        assertThat(Selectors.matches(s, Map.of("app", "kubia", "env", "qa", "rel", "x", "tier", "web"))).isTrue();
        assertThat(Selectors.matches(s, Map.of("app", "kubia", "env", "dev", "rel", "x"))).isFalse();
        assertThat(Selectors.matches(s, Map.of("app", "kubia", "env", "qa", "rel", "x", "tier", "db"))).isFalse();
        assertThat(Selectors.matches(s, Map.of("app", "kubia", "env", "qa"))).isFalse();
        assertThat(Selectors.matches(s, Map.of("app", "kubia", "env", "qa", "rel", "x", "legacy", ""))).isFalse();
        assertThat(Selectors.matches(s, Map.of("app", "other", "env", "qa", "rel", "x"))).isFalse();
    }

    @Test
    void nullMatchesNothingAndEmptyEverything() {
        assertThat(Selectors.matches((LabelSelector) null, Map.of("a", "b"))).isFalse();
        assertThat(Selectors.matches(new LabelSelector(), Map.of("a", "b"))).isTrue();
        assertThat(Selectors.isEmpty(new LabelSelector())).isTrue();
    }
}
