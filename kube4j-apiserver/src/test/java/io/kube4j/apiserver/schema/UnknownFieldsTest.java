package io.kube4j.apiserver.schema;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.registry.ResourceInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UnknownFieldsTest {
    private static final ResourceInfo PODS = ResourceInfo.builder("", "v1", "pods", "Pod").build();
    private static final ResourceInfo DEPLOYMENTS = ResourceInfo.builder("apps", "v1", "deployments", "Deployment").build();
    private static final ResourceInfo CONFIGMAPS = ResourceInfo.builder("", "v1", "configmaps", "ConfigMap").build();
    private static final ResourceInfo CRDS = ResourceInfo.builder("apiextensions.k8s.io", "v1",
            "customresourcedefinitions", "CustomResourceDefinition").clusterScoped().build();
    private static final SchemaCatalog CATALOG = SchemaCatalog.build(List.of(PODS, DEPLOYMENTS, CONFIGMAPS, CRDS));
    private final UnknownFields check = new UnknownFields(() -> CATALOG);

    private static ObjectNode json(String s) {
        return (ObjectNode) Json.parse(s.replace('\'', '"'));
    }

    @Test
    void typoInContainerIsReportedWithItsIndex() {
        ObjectNode pod = json("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p'},"
                + "'spec':{'containers':[{'name':'a','image':'x'},{'name':'b','image':'y','foo':1}]}}");
        assertThat(check.unknownFields(PODS, pod)).containsExactly("spec.containers[1].foo");
    }

    @Test
    void unknownFieldsAreListedInDocumentOrderAndNotDescendedInto() {
        ObjectNode pod = json("{'metadata':{'name':'p','foo':{'bar':1}},'spec':{'containers':[{'name':'a','imagee':'x'}]},"
                + "'extra':true}");
        assertThat(check.unknownFields(PODS, pod))
                .containsExactly("metadata.foo", "spec.containers[0].imagee", "extra");
    }

    @Test
    void validDeploymentHasNoUnknownFields() {
        ObjectNode d = json("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','namespace':'default',"
                + "'labels':{'app':'web'},'annotations':{'any/key':'v'},'creationTimestamp':'2024-01-01T00:00:00Z',"
                + "'managedFields':[{'manager':'kubectl','operation':'Apply','fieldsType':'FieldsV1',"
                + "'fieldsV1':{'f:spec':{'f:replicas':{}}}}]},"
                + "'spec':{'replicas':2,'selector':{'matchLabels':{'app':'web'}},'strategy':{'type':'RollingUpdate',"
                + "'rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}},"
                + "'template':{'metadata':{'labels':{'app':'web'}},'spec':{'containers':[{'name':'web','image':'nginx',"
                + "'ports':[{'containerPort':80}],'env':[{'name':'A','value':'b'}],"
                + "'resources':{'limits':{'cpu':'500m','memory':'128Mi'},'requests':{'cpu':1}},"
                + "'livenessProbe':{'httpGet':{'path':'/','port':'http'}}}],'nodeSelector':{'disk':'ssd'}}}},"
                + "'status':{'replicas':2,'conditions':[{'type':'Available','status':'True',"
                + "'lastTransitionTime':'2024-01-01T00:00:00Z'}]}}");
        assertThat(check.unknownFields(DEPLOYMENTS, d)).isEmpty();
    }

    @Test
    void mapKeysNeverCount() {
        ObjectNode cm = json("{'metadata':{'name':'c','labels':{'whatever':'x','a.b/c':'d'},"
                + "'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'{}'}},"
                + "'data':{'anything':'v','spec':'w'},'binaryData':{'k':'AAAA'}}");
        assertThat(check.unknownFields(CONFIGMAPS, cm)).isEmpty();
        ObjectNode cm2 = json("{'metadata':{'name':'c'},'data':{'a':'b'},'dat':{}}");
        assertThat(check.unknownFields(CONFIGMAPS, cm2)).containsExactly("dat");
    }

    @Test
    void freeFormValuesAreNotChecked() {
        ObjectNode crd = json("{'metadata':{'name':'foos.example.com'},'spec':{'group':'example.com','scope':'Namespaced',"
                + "'names':{'plural':'foos','kind':'Foo'},'versions':[{'name':'v1','served':true,'storage':true,"
                + "'schema':{'openAPIV3Schema':{'type':'object','properties':{'spec':{'type':'object',"
                + "'x-kubernetes-preserve-unknown-fields':true,'default':{'any':{'thing':1}}}},"
                + "'additionalProperties':false}}}]}}");
        assertThat(check.unknownFields(CRDS, crd)).isEmpty();
        ObjectNode bad = json("{'spec':{'versions':[{'name':'v1','schema':{'openAPIV3Schema':{'typo':'object'}}}]}}");
        assertThat(check.unknownFields(CRDS, bad)).containsExactly("spec.versions[0].schema.openAPIV3Schema.typo");
    }

    @Test
    void kindWithoutSchemaHasNoUnknownFields() {
        ResourceInfo foos = ResourceInfo.builder("example.com", "v1", "foos", "Foo").build();
        assertThat(check.unknownFields(foos, json("{'spec':{'x':1}}"))).isEmpty();
    }

    @Test
    void removeDropsUnknownFieldsAndKeepsTheRest() {
        ObjectNode pod = json("{'metadata':{'name':'p','foo':1},'spec':{'containers':[{'name':'a','imagee':'x','image':'y'}]}}");
        assertThat(check.removeUnknownFields(PODS, pod)).containsExactly("metadata.foo", "spec.containers[0].imagee");
        assertThat(pod).isEqualTo(json("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'a','image':'y'}]}}"));
        assertThat(check.unknownFields(PODS, pod)).isEmpty();
    }
}
