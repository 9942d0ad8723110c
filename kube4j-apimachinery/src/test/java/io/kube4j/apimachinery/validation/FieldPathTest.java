package io.kube4j.apimachinery.validation;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Paths print as upstream prints them. */
class FieldPathTest {
    @Test
    void printsChildrenIndexesAndKeys() {
        FieldPath p = FieldPath.of("spec", "containers").index(0).child("env").index(12).child("name");
        assertThat(p).hasToString("spec.containers[0].env[12].name");
        assertThat(FieldPath.root("metadata").child("labels").key("app.kubernetes.io/name"))
                .hasToString("metadata.labels[app.kubernetes.io/name]");
        assertThat(FieldPath.root("x")).hasToString("x");
        FieldPath parent = FieldPath.root("a");
        parent.child("b");
        assertThat(parent).as("a child leaves its parent alone").hasToString("a");
    }
}
