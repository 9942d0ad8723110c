package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Strategies of the smaller named groups, through real stores. */
class GroupStrategiesTest {
    private final GroupStores stores = new GroupStores();

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void everyNamedGroupResourceHasItsOwnStrategy() {
        for (BuiltinResources.Definition d : BuiltinResources.definitions()) {
            // a version served by conversion uses its storage version's strategy (events.k8s.io/v1 → core/v1)
            if (!d.info().group().isEmpty() && d.storageInfo() == null) {
                assertThat(d.strategy().getClass().getPackageName())
                        .as(d.info().qualifiedResource())
                        .startsWith("io.kube4j.apiserver.resources.");
            }
        }
    }

    @Test
    void networkPolicyTypesDefaultFromRules() {
        ObjectNode in = stores.create("networking.k8s.io/networkpolicies", "default",
                "{'metadata':{'name':'a'},'spec':{'podSelector':{},'ingress':[{'ports':[{'port':80}]}]}}");
        assertThat(in.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\"]");
        assertThat(in.at("/spec/ingress/0/ports/0/protocol").asText()).isEqualTo("TCP");
        ObjectNode both = stores.create("networking.k8s.io/networkpolicies", "default",
                "{'metadata':{'name':'b'},'spec':{'podSelector':{},'egress':[{'to':[{'ipBlock':{'cidr':'10.0.0.0/8',"
                        + "'except':['10.1.0.0/16']}}]}]}}");
        assertThat(both.at("/spec/policyTypes").toString()).isEqualTo("[\"Ingress\",\"Egress\"]");
        stores.assertCreateInvalid("networking.k8s.io/networkpolicies", "default",
                "{'metadata':{'name':'c'},'spec':{'podSelector':{},'ingress':[{'from':[{'ipBlock':{'cidr':'10.0.0.0/16',"
                        + "'except':['192.168.0.0/24']}}]}]}}",
                "NetworkPolicy.networking.k8s.io \"c\" is invalid: spec.ingress[0].from[0].ipBlock.except[0]: "
                        + "Invalid value: \"192.168.0.0/24\": must be a strict subset of `cidr`");
    }

    @Test
    void ingressPathsAndBackends() {
        stores.assertCreateInvalid("networking.k8s.io/ingresses", "default",
                "{'metadata':{'name':'i'},'spec':{'rules':[{'host':'a.example.com','http':{'paths':[{'path':'/',"
                        + "'backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}}",
                "Ingress.networking.k8s.io \"i\" is invalid: spec.rules[0].http.paths[0].pathType: Required value: "
                        + "pathType must be specified");
        stores.assertCreateInvalid("networking.k8s.io/ingresses", "default",
                "{'metadata':{'name':'i'},'spec':{'rules':[{'http':{'paths':[{'path':'/','pathType':'Regex',"
                        + "'backend':{'service':{'name':'web','port':{'number':80}}}}]}}]}}",
                "Ingress.networking.k8s.io \"i\" is invalid: spec.rules[0].http.paths[0].pathType: Unsupported value: "
                        + "\"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
        stores.assertCreateInvalid("networking.k8s.io/ingresses", "default",
                "{'metadata':{'name':'i'},'spec':{'rules':[{'http':{'paths':[{'path':'/','pathType':'Prefix',"
                        + "'backend':{'service':{'name':'web','port':{}}}}]}}]}}",
                "Ingress.networking.k8s.io \"i\" is invalid: spec.rules[0].http.paths[0].backend: Required value: "
                        + "port name or number is required");
        stores.assertCreateInvalid("networking.k8s.io/ingresses", "default", "{'metadata':{'name':'i'},'spec':{}}",
                "Ingress.networking.k8s.io \"i\" is invalid: spec: Invalid value: []networking.IngressRule(nil): "
                        + "either `defaultBackend` or `rules` must be specified");
        ObjectNode ok = stores.create("networking.k8s.io/ingresses", "default",
                "{'metadata':{'name':'ok'},'spec':{'tls':[{'hosts':['*.example.com'],'secretName':'tls'}],'rules':"
                        + "[{'host':'*.example.com','http':{'paths':[{'path':'/api','pathType':'Prefix','backend':"
                        + "{'service':{'name':'web','port':{'name':'http'}}}}]}}]}}");
        assertThat(ok.get("status").toString()).isEqualTo("{\"loadBalancer\":{}}");
        assertThat(ok.at("/metadata/generation").asInt()).isEqualTo(1);
    }

    @Test
    void ingressClassControllerIsDomainPrefixedAndImmutable() {
        stores.assertCreateInvalid("networking.k8s.io/ingressclasses", "", "{'metadata':{'name':'nginx'},'spec':"
                        + "{'controller':'nginx'}}",
                "IngressClass.networking.k8s.io \"nginx\" is invalid: spec.controller: Invalid value: \"nginx\": "
                        + "must be a domain-prefixed path (such as \"acme.io/foo\")");
        ObjectNode c = stores.create("networking.k8s.io/ingressclasses", "", "{'metadata':{'name':'nginx'},'spec':"
                + "{'controller':'k8s.io/ingress-nginx','parameters':{'kind':'Params','name':'p'}}}");
        assertThat(c.at("/spec/parameters/scope").asText()).isEqualTo("Cluster");
        ObjectNode changed = c.deepCopy();
        ((ObjectNode) changed.get("spec")).put("controller", "example.com/other");
        assertThatThrownBy(() -> stores.update("networking.k8s.io/ingressclasses", "", changed))
                .hasMessage("IngressClass.networking.k8s.io \"nginx\" is invalid: spec.controller: Invalid value: "
                        + "\"example.com/other\": field is immutable");
    }

    @Test
    void endpointSliceAddressTypeIsRequiredAndAddressesMatchIt() {
        stores.assertCreateInvalid("discovery.k8s.io/endpointslices", "default", "{'metadata':{'name':'e'}}",
                "EndpointSlice.discovery.k8s.io \"e\" is invalid: addressType: Required value");
        stores.assertCreateInvalid("discovery.k8s.io/endpointslices", "default",
                "{'metadata':{'name':'e'},'addressType':'IPv4','endpoints':[{'addresses':['fe80::1','127.0.0.1']}]}",
                "EndpointSlice.discovery.k8s.io \"e\" is invalid: [endpoints[0].addresses[0]: Invalid value: \"fe80::1\": "
                        + "must be a valid IPv4 address, endpoints[0].addresses[1]: Invalid value: \"127.0.0.1\": "
                        + "may not be in the loopback range (127.0.0.0/8, ::1/128)]");
        ObjectNode e = stores.create("discovery.k8s.io/endpointslices", "default",
                "{'metadata':{'name':'e'},'addressType':'IPv4','endpoints':[{'addresses':['10.0.0.5']}],'ports':[{'port':80}]}");
        assertThat(e.at("/ports/0/protocol").asText()).isEqualTo("TCP");
        ObjectNode changed = e.deepCopy();
        changed.put("addressType", "IPv6");
        changed.putArray("endpoints");
        assertThatThrownBy(() -> stores.update("discovery.k8s.io/endpointslices", "default", changed))
                .hasMessage("EndpointSlice.discovery.k8s.io \"e\" is invalid: addressType: Invalid value: \"IPv6\": "
                        + "field is immutable");
    }

    @Test
    void leaseDurationMustBePositive() {
        stores.assertCreateInvalid("coordination.k8s.io/leases", "default",
                "{'metadata':{'name':'l'},'spec':{'leaseDurationSeconds':0}}",
                "Lease.coordination.k8s.io \"l\" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
    }

    @Test
    void rbacRulesNeedVerbsAndRoleRefIsImmutable() {
        stores.assertCreateInvalid("rbac.authorization.k8s.io/roles", "default",
                "{'metadata':{'name':'r'},'rules':[{'apiGroups':[''],'resources':['pods']}]}",
                "Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].verbs: Required value: "
                        + "verbs must contain at least one value");
        stores.assertCreateInvalid("rbac.authorization.k8s.io/roles", "default",
                "{'metadata':{'name':'r'},'rules':[{'verbs':['get'],'nonResourceURLs':['/healthz']}]}",
                "Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].nonResourceURLs: Invalid value: "
                        + "[]string{\"/healthz\"}: namespaced rules cannot apply to non-resource URLs");
        stores.create("rbac.authorization.k8s.io/clusterroles", "",
                "{'metadata':{'name':'system:health'},'rules':[{'verbs':['get'],'nonResourceURLs':['/healthz']}]}");
        ObjectNode b = stores.create("rbac.authorization.k8s.io/rolebindings", "default",
                "{'metadata':{'name':'b'},'roleRef':{'kind':'ClusterRole','name':'view'},"
                        + "'subjects':[{'kind':'User','name':'alice'}]}");
        assertThat(b.at("/roleRef/apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(b.at("/subjects/0/apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
        ObjectNode changed = b.deepCopy();
        ((ObjectNode) changed.get("roleRef")).put("name", "edit");
        assertThatThrownBy(() -> stores.update("rbac.authorization.k8s.io/rolebindings", "default", changed))
                .hasMessage("RoleBinding.rbac.authorization.k8s.io \"b\" is invalid: roleRef: Invalid value: "
                        + "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: "
                        + "cannot change roleRef");
        stores.assertCreateInvalid("rbac.authorization.k8s.io/clusterrolebindings", "",
                "{'metadata':{'name':'cb'},'roleRef':{'kind':'Role','name':'x'},'subjects':[{'kind':'ServiceAccount','name':'sa'}]}",
                "ClusterRoleBinding.rbac.authorization.k8s.io \"cb\" is invalid: [roleRef.kind: Unsupported value: "
                        + "\"Role\": supported values: \"ClusterRole\", subjects[0].namespace: Required value]");
    }

    @Test
    void storageClassDefaultsAndImmutableFields() {
        stores.assertCreateInvalid("storage.k8s.io/storageclasses", "", "{'metadata':{'name':'s'}}",
                "StorageClass.storage.k8s.io \"s\" is invalid: provisioner: Required value");
        ObjectNode sc = stores.create("storage.k8s.io/storageclasses", "",
                "{'metadata':{'name':'s'},'provisioner':'rancher.io/local-path','parameters':{'a':'b'}}");
        assertThat(sc.get("reclaimPolicy").asText()).isEqualTo("Delete");
        assertThat(sc.get("volumeBindingMode").asText()).isEqualTo("Immediate");
        ObjectNode changed = sc.deepCopy();
        changed.put("provisioner", "other.io/x");
        changed.putObject("parameters").put("a", "c");
        assertThatThrownBy(() -> stores.update("storage.k8s.io/storageclasses", "", changed))
                .hasMessage("StorageClass.storage.k8s.io \"s\" is invalid: [parameters: Forbidden: updates to parameters "
                        + "are forbidden., provisioner: Forbidden: updates to provisioner are forbidden.]");
        ObjectNode labelled = sc.deepCopy();
        Json.with(Json.with(labelled, "metadata"), "labels").put("tier", "fast");
        assertThat(stores.update("storage.k8s.io/storageclasses", "", labelled).at("/metadata/labels/tier").asText())
                .isEqualTo("fast");
    }

    @Test
    void podDisruptionBudgetBoundsAreExclusive() {
        assertThatThrownBy(() -> stores.create("policy/poddisruptionbudgets", "default",
                "{'metadata':{'name':'p'},'spec':{'minAvailable':1,'maxUnavailable':'50%','selector':{'matchLabels':{'a':'b'}}}}"))
                .hasMessageStartingWith("PodDisruptionBudget.policy \"p\" is invalid: spec: Invalid value: ")
                .hasMessageEndingWith(": minAvailable and maxUnavailable cannot be both set");
        ObjectNode p = stores.create("policy/poddisruptionbudgets", "default",
                "{'metadata':{'name':'p'},'spec':{'minAvailable':'50%','selector':{'matchLabels':{'a':'b'}}}}");
        assertThat(p.at("/status/expectedPods").isInt()).isTrue();
        assertThat(p.at("/metadata/generation").asInt()).isEqualTo(1);
    }

    @Test
    void hpaDefaultsAndBounds() {
        ObjectNode h = stores.create("autoscaling/horizontalpodautoscalers", "default",
                "{'metadata':{'name':'h'},'spec':{'maxReplicas':5,'scaleTargetRef':{'apiVersion':'apps/v1',"
                        + "'kind':'Deployment','name':'web'},'behavior':{'scaleDown':{'stabilizationWindowSeconds':60}}}}");
        assertThat(h.at("/spec/minReplicas").asInt()).isEqualTo(1);
        assertThat(h.at("/spec/metrics").toString()).isEqualTo("[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","
                + "\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}}]");
        assertThat(h.at("/spec/behavior/scaleDown/stabilizationWindowSeconds").asInt()).isEqualTo(60);
        assertThat(h.at("/spec/behavior/scaleDown/selectPolicy").asText()).isEqualTo("Max");
        assertThat(h.at("/spec/behavior/scaleUp/policies").size()).isEqualTo(2);
        stores.assertCreateInvalid("autoscaling/horizontalpodautoscalers", "default",
                "{'metadata':{'name':'h2'},'spec':{'minReplicas':3,'maxReplicas':2,'scaleTargetRef':{'kind':'Deployment'}}}",
                "HorizontalPodAutoscaler.autoscaling \"h2\" is invalid: [spec.maxReplicas: Invalid value: 2: must be "
                        + "greater than or equal to `minReplicas`, spec.scaleTargetRef.name: Required value]");
        stores.assertCreateInvalid("autoscaling/horizontalpodautoscalers", "default",
                "{'metadata':{'name':'h3'},'spec':{'maxReplicas':2,'scaleTargetRef':{'kind':'Deployment','name':'w'},"
                        + "'metrics':[{'type':'Resource','resource':{'name':'cpu','target':{'type':'Utilization'}}}]}}",
                "HorizontalPodAutoscaler.autoscaling \"h3\" is invalid: spec.metrics[0].resource.target.averageUtilization: "
                        + "Required value: must set either a target raw value or a target utilization");
    }

    @Test
    void priorityClassesReserveSystemPrefixAndFreezeValue() {
        stores.assertCreateInvalid("scheduling.k8s.io/priorityclasses", "", "{'metadata':{'name':'system-mine'},'value':5}",
                "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class "
                        + "names with 'system-' prefix are reserved for system use only. error: system-mine is not a "
                        + "known system priority class");
        stores.create("scheduling.k8s.io/priorityclasses", "", "{'metadata':{'name':'system-node-critical'},'value':2000001000}");
        ObjectNode pc = stores.create("scheduling.k8s.io/priorityclasses", "", "{'metadata':{'name':'high'},'value':1000}");
        assertThat(pc.get("preemptionPolicy").asText()).isEqualTo("PreemptLowerPriority");
        ObjectNode changed = pc.deepCopy();
        changed.put("value", 2000);
        assertThatThrownBy(() -> stores.update("scheduling.k8s.io/priorityclasses", "", changed))
                .hasMessage("PriorityClass.scheduling.k8s.io \"high\" is invalid: value: Forbidden: may not be changed in an update.");
    }

    private static String crd(String name, String versions) {
        return "{'metadata':{'name':'" + name + "'},'spec':{'group':'example.com','scope':'Namespaced','names':"
                + "{'plural':'widgets','kind':'Widget'},'versions':" + versions + "}}";
    }

    private static final String SCHEMA = "'schema':{'openAPIV3Schema':{'type':'object'}}";

    @Test
    void crdNameVersionsAndStatus() {
        stores.assertCreateInvalid("apiextensions.k8s.io/customresourcedefinitions", "",
                crd("gadgets.example.com", "[{'name':'v1','served':true,'storage':true," + SCHEMA + "}]"),
                "CustomResourceDefinition.apiextensions.k8s.io \"gadgets.example.com\" is invalid: metadata.name: "
                        + "Invalid value: \"gadgets.example.com\": must be spec.names.plural+\".\"+spec.group");
        assertThatThrownBy(() -> stores.create("apiextensions.k8s.io/customresourcedefinitions", "",
                crd("widgets.example.com", "[{'name':'v1','served':true,'storage':false," + SCHEMA + "}]")))
                .hasMessageContaining("spec.versions: Invalid value: ")
                .hasMessageContaining("must have exactly one version marked as storage version");
        ObjectNode c = stores.create("apiextensions.k8s.io/customresourcedefinitions", "",
                crd("widgets.example.com", "[{'name':'v1','served':true,'storage':true," + SCHEMA + "}]"));
        assertThat(c.at("/spec/names/singular").asText()).isEqualTo("widget");
        assertThat(c.at("/spec/names/listKind").asText()).isEqualTo("WidgetList");
        assertThat(c.at("/status/storedVersions").toString()).isEqualTo("[\"v1\"]");
        ObjectNode next = c.deepCopy();
        ((ObjectNode) next.at("/spec/versions/0")).put("storage", false);
        ((com.fasterxml.jackson.databind.node.ArrayNode) next.at("/spec/versions")).add(GroupStores.parse(
                "{'name':'v2','served':true,'storage':true," + SCHEMA + "}"));
        assertThat(stores.update("apiextensions.k8s.io/customresourcedefinitions", "", next)
                .at("/status/storedVersions").toString()).isEqualTo("[\"v1\",\"v2\"]");
    }

    @Test
    void crdRequiresSchemasAndScope() {
        assertThatThrownBy(() -> stores.create("apiextensions.k8s.io/customresourcedefinitions", "",
                "{'metadata':{'name':'widgets.example.com'},'spec':{'group':'example.com','scope':'Global','names':"
                        + "{'plural':'widgets','kind':'Widget'},'versions':[{'name':'v1','served':true,'storage':true}]}}"))
                .hasMessageContaining("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")
                .hasMessageContaining("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required");
    }
}
