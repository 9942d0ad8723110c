package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.fields.FieldSelector;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.labels.LabelSelector;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.WriteOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AppsStrategiesTest {
    private final GroupStores stores = new GroupStores();

    @AfterEach
    void close() {
        stores.close();
    }

    private static String deployment(String name, String selector, String labels, String extraSpec) {
        return "{'metadata':{'name':'" + name + "'},'spec':{" + extraSpec + "'selector':{'matchLabels':" + selector
                + "},'template':{'metadata':{'labels':" + labels + "},'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}";
    }

    @Test
    void deploymentGetsUpstreamDefaultsAndAnEmptyStatus() {
        ObjectNode body = GroupStores.parse(deployment("web", "{'app':'x'}", "{'app':'x'}", "'replicas':null,"));
        body.putObject("status").put("replicas", 5);
        ObjectNode d = stores.store("apps/deployments").create("default", body, WriteOptions.defaults());
        ObjectNode spec = (ObjectNode) d.get("spec");
        assertThat(spec.get("replicas").asInt()).isEqualTo(1);
        assertThat(spec.at("/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(spec.at("/strategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("25%");
        assertThat(spec.at("/strategy/rollingUpdate/maxSurge").asText()).isEqualTo("25%");
        assertThat(spec.get("revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(spec.get("progressDeadlineSeconds").asInt()).isEqualTo(600);
        assertThat(spec.at("/template/spec/restartPolicy").asText()).isEqualTo("Always");
        assertThat(spec.at("/template/spec/containers/0/imagePullPolicy").asText()).isEqualTo("Always");
        assertThat(d.get("status")).isEqualTo(Json.object());
        assertThat(d.at("/metadata/generation").asInt()).isEqualTo(1);
    }

    @Test
    void deploymentSelectorMustMatchTemplateLabels() {
        stores.assertCreateInvalid("apps/deployments", "default", deployment("web", "{'app':'y'}", "{'app':'x'}", ""),
                "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: "
                        + "map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`");
    }

    @Test
    void deploymentWithoutSelectorReportsBothErrors() {
        String body = "{'metadata':{'name':'web'},'spec':{'template':{'metadata':{'labels':{'app':'x'}},"
                + "'spec':{'containers':[{'name':'c','image':'nginx'}]}}}}";
        stores.assertCreateInvalid("apps/deployments", "default", body,
                "Deployment.apps \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: "
                        + "Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`]");
    }

    @Test
    void deploymentStrategyRules() {
        stores.assertCreateInvalid("apps/deployments", "default", deployment("a", "{'app':'x'}", "{'app':'x'}",
                        "'strategy':{'type':'Recreate','rollingUpdate':{'maxSurge':1}},"),
                "Deployment.apps \"a\" is invalid: spec.strategy.rollingUpdate: Forbidden: "
                        + "may not be specified when strategy `type` is 'Recreate'");
        stores.assertCreateInvalid("apps/deployments", "default", deployment("b", "{'app':'x'}", "{'app':'x'}",
                        "'strategy':{'rollingUpdate':{'maxSurge':0,'maxUnavailable':0}},"),
                "Deployment.apps \"b\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
                        + "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0");
        stores.assertCreateInvalid("apps/deployments", "default", deployment("c", "{'app':'x'}", "{'app':'x'}",
                        "'replicas':-1,"),
                "Deployment.apps \"c\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        stores.assertCreateInvalid("apps/deployments", "default", deployment("d", "{'app':'x'}", "{'app':'x'}",
                        "'strategy':{'rollingUpdate':{'maxUnavailable':'150%'}},"),
                "Deployment.apps \"d\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
                        + "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%");
    }

    @Test
    void deploymentSelectorIsImmutable() {
        ObjectNode d = stores.create("apps/deployments", "default", deployment("web", "{'app':'x'}", "{'app':'x'}", ""));
        ObjectNode changed = d.deepCopy();
        ((ObjectNode) changed.at("/spec/selector/matchLabels")).put("app", "y");
        ((ObjectNode) changed.at("/spec/template/metadata/labels")).put("app", "y");
        assertThatThrownBy(() -> stores.update("apps/deployments", "default", changed))
                .isInstanceOf(StatusException.class)
                .hasMessage("Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{"
                        + "MatchLabels:map[string]string{\"app\":\"y\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
                        + "field is immutable");
    }

    @Test
    void deploymentGenerationFollowsSpecAndAnnotationsButKeepsStatus() {
        ObjectNode d = stores.create("apps/deployments", "default", deployment("web", "{'app':'x'}", "{'app':'x'}", ""));
        ObjectNode scaled = d.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 3);
        scaled.putObject("status").put("replicas", 99);
        ObjectNode after = stores.update("apps/deployments", "default", scaled);
        assertThat(after.at("/metadata/generation").asInt()).isEqualTo(2);
        assertThat(after.get("status")).isEqualTo(Json.object());
        ObjectNode annotated = after.deepCopy();
        Json.with(Json.with(annotated, "metadata"), "annotations").put("note", "x");
        assertThat(stores.update("apps/deployments", "default", annotated).at("/metadata/generation").asInt()).isEqualTo(3);
    }

    @Test
    void replicaSetDefaultsStatusAndFieldSelector() {
        ObjectNode rs = stores.create("apps/replicasets", "default", "{'metadata':{'name':'rs'},'spec':{'selector':"
                + "{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':"
                + "[{'name':'c','image':'nginx:1.27'}]}}}}");
        assertThat(rs.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(rs.at("/spec/template/spec/containers/0/imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(rs.get("status").toString()).isEqualTo("{\"replicas\":0}");
        assertThat(stores.store("apps/replicasets").list("default", listWithFields("status.replicas=0")).items()).hasSize(1);
        assertThat(stores.store("apps/replicasets").list("default", listWithFields("status.replicas=1")).items()).isEmpty();
    }

    private static ListOptions listWithFields(String fieldSelector) {
        return new ListOptions(LabelSelector.everything(), FieldSelector.parse(fieldSelector), 0, null, "", "", false, 0, false);
    }

    @Test
    void replicaSetTemplateMustRestartAlwaysAndHaveContainers() {
        stores.assertCreateInvalid("apps/replicasets", "default", "{'metadata':{'name':'rs'},'spec':{'selector':"
                        + "{'matchLabels':{'app':'x'}},'template':{'metadata':{'labels':{'app':'x'}},'spec':"
                        + "{'restartPolicy':'Never','containers':[]}}}}",
                "ReplicaSet.apps \"rs\" is invalid: [spec.template.spec.containers: Required value, "
                        + "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"]");
    }

    private static String statefulSet(String name) {
        return "{'metadata':{'name':'" + name + "'},'spec':{'serviceName':'db','selector':{'matchLabels':{'app':'db'}},"
                + "'template':{'metadata':{'labels':{'app':'db'}},'spec':{'containers':[{'name':'c','image':'pg'}]}}}}";
    }

    @Test
    void statefulSetDefaults() {
        ObjectNode s = stores.create("apps/statefulsets", "default", statefulSet("db"));
        assertThat(s.at("/spec/podManagementPolicy").asText()).isEqualTo("OrderedReady");
        assertThat(s.at("/spec/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(s.at("/spec/updateStrategy/rollingUpdate/partition").asInt()).isZero();
        assertThat(s.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(s.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(s.at("/spec/persistentVolumeClaimRetentionPolicy").toString())
                .isEqualTo("{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}");
        assertThat(s.get("status").toString()).isEqualTo("{\"replicas\":0,\"availableReplicas\":0}");
    }

    @Test
    void statefulSetOnlySomeSpecFieldsMayChange() {
        ObjectNode s = stores.create("apps/statefulsets", "default", statefulSet("db"));
        ObjectNode scaled = s.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 3);
        assertThat(stores.update("apps/statefulsets", "default", scaled).at("/spec/replicas").asInt()).isEqualTo(3);
        ObjectNode renamed = stores.store("apps/statefulsets").get("default", "db").deepCopy();
        ((ObjectNode) renamed.get("spec")).put("serviceName", "other");
        assertThatThrownBy(() -> stores.update("apps/statefulsets", "default", renamed))
                .hasMessage("StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields "
                        + "other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
                        + "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }

    @Test
    void statefulSetNamesAreDnsLabels() {
        assertThatThrownBy(() -> stores.create("apps/statefulsets", "default", statefulSet("db.one")))
                .hasMessageStartingWith("StatefulSet.apps \"db.one\" is invalid: metadata.name: Invalid value: \"db.one\": "
                        + "a lowercase RFC 1123 label");
    }

    @Test
    void daemonSetDefaultsAndTemplateGeneration() {
        String body = "{'metadata':{'name':'agent'},'spec':{'selector':{'matchLabels':{'app':'a'}},'template':"
                + "{'metadata':{'labels':{'app':'a'}},'spec':{'containers':[{'name':'c','image':'agent'}]}}}}";
        ObjectNode ds = stores.create("apps/daemonsets", "default", body);
        assertThat(ds.at("/spec/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(ds.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(ds.at("/spec/updateStrategy/rollingUpdate/maxSurge").asInt()).isZero();
        assertThat(ds.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
        assertThat(ds.at("/metadata/annotations/deprecated.daemonset.template.generation").asText()).isEqualTo("1");
        assertThat(ds.at("/status/desiredNumberScheduled").isInt()).isTrue();

        ObjectNode changed = ds.deepCopy();
        ((ObjectNode) changed.at("/spec/template/spec/containers/0")).put("image", "agent:2");
        ObjectNode after = stores.update("apps/daemonsets", "default", changed);
        assertThat(after.at("/metadata/annotations/deprecated.daemonset.template.generation").asText()).isEqualTo("2");
        assertThat(after.at("/metadata/generation").asInt()).isEqualTo(2);

        ObjectNode onlyMinReady = after.deepCopy();
        ((ObjectNode) onlyMinReady.get("spec")).put("minReadySeconds", 5);
        assertThat(stores.update("apps/daemonsets", "default", onlyMinReady)
                .at("/metadata/annotations/deprecated.daemonset.template.generation").asText()).isEqualTo("2");
    }

    @Test
    void daemonSetRollingUpdateNeedsExactlyOneNonZeroBound() {
        String body = "{'metadata':{'name':'agent'},'spec':{'updateStrategy':{'rollingUpdate':{'maxUnavailable':0}},"
                + "'selector':{'matchLabels':{'app':'a'}},'template':{'metadata':{'labels':{'app':'a'}},"
                + "'spec':{'containers':[{'name':'c','image':'agent'}]}}}}";
        stores.assertCreateInvalid("apps/daemonsets", "default", body, "DaemonSet.apps \"agent\" is invalid: "
                + "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0");
    }

    @Test
    void controllerRevisionDataIsRequiredAndImmutable() {
        stores.assertCreateInvalid("apps/controllerrevisions", "default", "{'metadata':{'name':'r'},'revision':1}",
                "ControllerRevision.apps \"r\" is invalid: data: Required value: data is mandatory");
        ObjectNode r = stores.create("apps/controllerrevisions", "default", "{'metadata':{'name':'r'},'revision':1,'data':{'a':1}}");
        ObjectNode changed = r.deepCopy();
        changed.putObject("data").put("a", 2);
        assertThatThrownBy(() -> stores.update("apps/controllerrevisions", "default", changed))
                .hasMessageEndingWith("data: Invalid value: runtime.RawExtension{Raw:\"{\\\"a\\\":2}\"}: field is immutable");
    }
}
