package io.kube4j.apimachinery.patch;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.errors.StatusException;
import io.kube4j.apimachinery.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategicMergePatchTest {
    /** JSON with single quotes, to keep the table readable. */
    private static JsonNode j(String text) {
        return Json.parse(text.replace('\'', '"'));
    }

    private static Arguments c(String name, String group, String kind, String original, String patch,
                               String expected) {
        return Arguments.of(name, group, kind, original, patch, expected);
    }

    private static final String POD = "{'metadata':{'name':'p'},'spec':{'containers':["
            + "{'name':'a','image':'a:1','imagePullPolicy':'IfNotPresent'},"
            + "{'name':'b','image':'b:1','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}],"
            + "'ports':[{'containerPort':80,'name':'http'}]}],"
            + "'tolerations':[{'key':'k1','effect':'NoSchedule'}]}}";

    private static final String DEPLOY = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d',"
            + "'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'old'}},"
            + "'spec':{'replicas':2,'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%',"
            + "'maxUnavailable':'25%'}},'template':{'metadata':{'labels':{'app':'d'}},'spec':{'containers':["
            + "{'name':'a','image':'nginx:1','terminationMessagePath':'/dev/termination-log'},"
            + "{'name':'b','image':'busybox','terminationMessagePath':'/dev/termination-log'}],"
            + "'volumes':[{'name':'v','emptyDir':{}}]}}}}";

    static Stream<Arguments> cases() {
        return Stream.of(
                c("labels add and remove", "", "Pod",
                        "{'metadata':{'name':'p','labels':{'c':'d','e':'f'}}}",
                        "{'metadata':{'labels':{'a':'b','c':null}}}",
                        "{'metadata':{'name':'p','labels':{'e':'f','a':'b'}}}"),
                c("null on a missing key is dropped", "", "Pod",
                        "{'metadata':{'name':'p'}}",
                        "{'metadata':{'labels':{'a':null,'b':'c'},'annotations':null}}",
                        "{'metadata':{'name':'p','labels':{'b':'c'}}}"),
                c("image change by name keeps the other containers", "", "Pod", POD,
                        "{'spec':{'containers':[{'name':'b','image':'b:2'}]}}",
                        POD.replace("'b:1'", "'b:2'")),
                c("a new container goes before the live ones (upstream order rule)", "", "Pod",
                        "{'spec':{'containers':[{'name':'a','image':'a'},{'name':'b','image':'b'}]}}",
                        "{'spec':{'containers':[{'name':'c','image':'c'}]}}",
                        "{'spec':{'containers':[{'name':'c','image':'c'},{'name':'a','image':'a'},"
                                + "{'name':'b','image':'b'}]}}"),
                c("patch order wins over live order for patched elements", "", "Pod",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':'b'},{'name':'c'}]}}",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b','image':'b'},{'name':'c'}]}}"),
                c("env merges by name", "", "Pod", POD,
                        "{'spec':{'containers':[{'name':'b','env':[{'name':'Z','value':'3'},{'name':'X','value':'9'}]}]}}",
                        POD.replace("[{'name':'X','value':'1'},{'name':'Y','value':'2'}]",
                                "[{'name':'Z','value':'3'},{'name':'X','value':'9'},{'name':'Y','value':'2'}]")),
                c("env var value removed with null", "", "Pod", POD,
                        "{'spec':{'containers':[{'name':'b','env':[{'name':'X','value':null}]}]}}",
                        POD.replace("{'name':'X','value':'1'}", "{'name':'X'}")),
                c("$patch delete removes a container", "", "Pod", POD,
                        "{'spec':{'containers':[{'name':'a','$patch':'delete'}]}}",
                        "{'metadata':{'name':'p'},'spec':{'containers':["
                                + "{'name':'b','image':'b:1','env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}],"
                                + "'ports':[{'containerPort':80,'name':'http'}]}],"
                                + "'tolerations':[{'key':'k1','effect':'NoSchedule'}]}}"),
                c("$patch replace inside a list replaces the list", "", "Pod",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'$patch':'replace'},{'name':'z','image':'z'}]}}",
                        "{'spec':{'containers':[{'name':'z','image':'z'}]}}"),
                c("$patch replace on a map replaces the map", "", "Pod",
                        "{'metadata':{'name':'p','labels':{'a':'1','b':'2'}}}",
                        "{'metadata':{'labels':{'$patch':'replace','c':'3'}}}",
                        "{'metadata':{'name':'p','labels':{'c':'3'}}}"),
                c("$patch delete on a map empties it", "", "Pod",
                        "{'metadata':{'name':'p','labels':{'a':'1'}}}",
                        "{'metadata':{'labels':{'$patch':'delete'}}}",
                        "{'metadata':{'name':'p','labels':{}}}"),
                c("$setElementOrder reorders containers", "", "Pod",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'b'},{'name':'a'}]}}"),
                c("$setElementOrder keeps server-only elements in place", "", "Pod",
                        "{'spec':{'containers':[{'name':'a'},{'name':'c'},{'name':'b'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'b'},{'name':'a'}]}}",
                        "{'spec':{'containers':[{'name':'c'},{'name':'b'},{'name':'a'}]}}"),
                c("$setElementOrder places a new element where the directive says", "", "Pod",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'n'},{'name':'b'}],"
                                + "'containers':[{'name':'n','image':'n'}]}}",
                        "{'spec':{'containers':[{'name':'a'},{'name':'n','image':'n'},{'name':'b'}]}}"),
                c("$setElementOrder on primitives", "", "Pod",
                        "{'metadata':{'finalizers':['x','y','z']}}",
                        "{'metadata':{'$setElementOrder/finalizers':['z','x','y']}}",
                        "{'metadata':{'finalizers':['z','x','y']}}"),
                c("$deleteFromPrimitiveList removes finalizers", "", "Pod",
                        "{'metadata':{'name':'p','finalizers':['x','y','z']}}",
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['y','q']}}",
                        "{'metadata':{'name':'p','finalizers':['x','z']}}"),
                c("finalizers merge as a set, new ones first", "", "Pod",
                        "{'metadata':{'finalizers':['x','y']}}",
                        "{'metadata':{'finalizers':['y','w']}}",
                        "{'metadata':{'finalizers':['x','y','w']}}"),
                c("finalizer added alone goes first", "", "Pod",
                        "{'metadata':{'finalizers':['x']}}",
                        "{'metadata':{'finalizers':['w']}}",
                        "{'metadata':{'finalizers':['w','x']}}"),
                c("$retainKeys on a volume switches its source", "", "Pod",
                        "{'spec':{'volumes':[{'name':'v','emptyDir':{}},{'name':'w','emptyDir':{}}]}}",
                        "{'spec':{'volumes':[{'name':'v','$retainKeys':['configMap','name'],'configMap':{'name':'cm'}}]}}",
                        "{'spec':{'volumes':[{'name':'v','configMap':{'name':'cm'}},{'name':'w','emptyDir':{}}]}}"),
                c("$retainKeys on deployment strategy: RollingUpdate to Recreate", "apps", "Deployment", DEPLOY,
                        "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}",
                        DEPLOY.replace("{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%',"
                                + "'maxUnavailable':'25%'}}", "{'type':'Recreate'}")),
                c("kubectl apply strategy change (with rollingUpdate null)", "apps", "Deployment", DEPLOY,
                        "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':null,'type':'Recreate'}}}",
                        DEPLOY.replace("{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%',"
                                + "'maxUnavailable':'25%'}}", "{'type':'Recreate'}")),
                c("tolerations are replaced wholesale", "", "Pod", POD,
                        "{'spec':{'tolerations':[{'key':'k2','effect':'NoExecute'}]}}",
                        POD.replace("{'key':'k1','effect':'NoSchedule'}", "{'key':'k2','effect':'NoExecute'}")),
                c("ports merge by containerPort", "", "Pod", POD,
                        "{'spec':{'containers':[{'name':'b','ports':[{'containerPort':443,'name':'https'},"
                                + "{'containerPort':80,'protocol':'TCP'}]}]}}",
                        POD.replace("[{'containerPort':80,'name':'http'}]",
                                "[{'containerPort':443,'name':'https'},{'containerPort':80,'name':'http','protocol':'TCP'}]")),
                c("kubectl apply: replicas and image", "apps", "Deployment", DEPLOY,
                        "{'metadata':{'annotations':{'kubectl.kubernetes.io/last-applied-configuration':'new'}},"
                                + "'spec':{'replicas':3,'template':{'spec':{'$setElementOrder/containers':"
                                + "[{'name':'a'},{'name':'b'}],'containers':[{'image':'nginx:2','name':'a'}]}}}}",
                        DEPLOY.replace("'old'", "'new'").replace("'replicas':2", "'replicas':3")
                                .replace("'nginx:1'", "'nginx:2'")),
                c("kubectl apply: container removed from the file", "apps", "Deployment", DEPLOY,
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'a'}],"
                                + "'containers':[{'$patch':'delete','name':'b'}]}}}}",
                        DEPLOY.replace(",{'name':'b','image':'busybox','terminationMessagePath':'/dev/termination-log'}",
                                "")),
                c("kubectl apply: container added between two", "apps", "Deployment", DEPLOY,
                        "{'spec':{'template':{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'n'},"
                                + "{'name':'b'}],'containers':[{'image':'n','name':'n'}]}}}}",
                        DEPLOY.replace("{'name':'b','image':'busybox'",
                                "{'name':'n','image':'n'},{'name':'b','image':'busybox'")),
                // The body kubectl 1.32 sent for the second apply of an edited file (captured with -v=9).
                c("kubectl apply: captured 3-way patch", "apps", "Deployment",
                        "{'metadata':{'name':'web','finalizers':['example.com/a','example.com/b'],"
                                + "'labels':{'live':'yes'}},'spec':{'replicas':2,"
                                + "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},"
                                + "'template':{'spec':{'containers':[{'name':'side','image':'side'},"
                                + "{'name':'a','image':'nginx:1','ports':[{'containerPort':80},{'containerPort':81}]},"
                                + "{'name':'b','image':'busybox'},{'name':'c','image':'busybox'}],"
                                + "'volumes':[{'name':'v','emptyDir':{}}]}}}}",
                        "{'metadata':{'$deleteFromPrimitiveList/finalizers':['example.com/a'],"
                                + "'$setElementOrder/finalizers':['example.com/b']},"
                                + "'spec':{'replicas':3,'strategy':{'$retainKeys':['type'],'rollingUpdate':null,"
                                + "'type':'Recreate'},'template':{'spec':{'$setElementOrder/containers':[{'name':'a'},"
                                + "{'name':'n'},{'name':'b'}],'$setElementOrder/volumes':[{'name':'v'}],'containers':["
                                + "{'$setElementOrder/ports':[{'containerPort':81},{'containerPort':80},"
                                + "{'containerPort':82}],'image':'nginx:2','name':'a','ports':[{'containerPort':82}]},"
                                + "{'image':'n','name':'n'},{'$patch':'delete','name':'c'}],'volumes':[{'$retainKeys':"
                                + "['configMap','name'],'configMap':{'name':'cm'},'emptyDir':null,'name':'v'}]}}}}",
                        "{'metadata':{'name':'web','finalizers':['example.com/b'],'labels':{'live':'yes'}},"
                                + "'spec':{'replicas':3,'strategy':{'type':'Recreate'},"
                                + "'template':{'spec':{'containers':[{'name':'side','image':'side'},"
                                + "{'name':'a','image':'nginx:2','ports':[{'containerPort':81},{'containerPort':80},"
                                + "{'containerPort':82}]},{'name':'n','image':'n'},{'name':'b','image':'busybox'}],"
                                + "'volumes':[{'name':'v','configMap':{'name':'cm'}}]}}}}"),
                c("service ports merge by port", "", "Service",
                        "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':8443}]}}",
                        "{'spec':{'ports':[{'port':443,'targetPort':9443}]}}",
                        "{'spec':{'ports':[{'port':80,'targetPort':8080},{'port':443,'targetPort':9443}]}}"),
                c("node conditions merge by type", "", "Node",
                        "{'status':{'conditions':[{'type':'Ready','status':'False'},{'type':'MemoryPressure',"
                                + "'status':'False'}],'addresses':[{'type':'InternalIP','address':'10.0.0.1'}]}}",
                        "{'status':{'conditions':[{'type':'Ready','status':'True'}]}}",
                        "{'status':{'conditions':[{'type':'Ready','status':'True'},{'type':'MemoryPressure',"
                                + "'status':'False'}],'addresses':[{'type':'InternalIP','address':'10.0.0.1'}]}}"),
                c("node taints are replaced", "", "Node",
                        "{'spec':{'taints':[{'key':'a','effect':'NoSchedule'}]}}",
                        "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}",
                        "{'spec':{'taints':[{'key':'b','effect':'NoSchedule'}]}}"),
                c("ownerReferences merge by uid", "", "ConfigMap",
                        "{'metadata':{'ownerReferences':[{'uid':'1','name':'a'}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'1','controller':true}]}}",
                        "{'metadata':{'ownerReferences':[{'uid':'1','name':'a','controller':true}]}}"),
                c("configmap data merges as a map", "", "ConfigMap",
                        "{'data':{'a':'1','b':'2'}}", "{'data':{'b':null,'c':'3'}}", "{'data':{'a':'1','c':'3'}}"),
                c("cronjob reaches the pod spec through jobTemplate", "batch", "CronJob",
                        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a'},"
                                + "{'name':'b','image':'b'}]}}}}}}",
                        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x'}]}}}}}}",
                        "{'spec':{'jobTemplate':{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'x'},"
                                + "{'name':'b','image':'b'}]}}}}}}"),
                c("statefulset template containers merge", "apps", "StatefulSet",
                        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a'},{'name':'b','image':'b'}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':[{'name':'b','image':'x'}]}}}}",
                        "{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'a'},{'name':'b','image':'x'}]}}}}"),
                c("deployment status conditions merge by type", "apps", "Deployment",
                        "{'status':{'conditions':[{'type':'Available','status':'False'},{'type':'Progressing','status':'True'}]}}",
                        "{'status':{'conditions':[{'type':'Available','status':'True'}]}}",
                        "{'status':{'conditions':[{'type':'Available','status':'True'},{'type':'Progressing','status':'True'}]}}"),
                c("unknown kinds replace lists", "example.com", "Widget",
                        "{'spec':{'containers':[{'name':'a'},{'name':'b'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':'x'}]}}",
                        "{'spec':{'containers':[{'name':'b','image':'x'}]}}"),
                c("a new list taken from the patch loses its directives", "", "Pod",
                        "{'spec':{}}",
                        "{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'}],"
                                + "'$setElementOrder/env':[{'name':'X'}]},{'name':'gone','$patch':'delete'}]}}",
                        "{'spec':{'containers':[{'name':'a','env':[{'name':'X','value':'1'}]}]}}"),
                c("type change replaces", "", "Pod",
                        "{'spec':{'nodeSelector':{'a':'b'}}}", "{'spec':{'nodeSelector':'x'}}",
                        "{'spec':{'nodeSelector':'x'}}"),
                c("$ref in a CRD schema is an ordinary key", "apiextensions.k8s.io", "CustomResourceDefinition",
                        "{'spec':{'x':{'$ref':'a'}}}", "{'spec':{'x':{'$ref':'b','$schema':'s'}}}",
                        "{'spec':{'x':{'$ref':'b','$schema':'s'}}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void applies(String name, String group, String kind, String original, String patch, String expected) {
        JsonNode orig = j(original);
        JsonNode before = orig.deepCopy();
        JsonNode p = j(patch);
        JsonNode patchBefore = p.deepCopy();
        JsonNode out = StrategicMergePatch.apply(orig, p, PatchSchema.forKind(group, kind));
        assertThat(out).isEqualTo(j(expected));
        assertThat(orig).as("original untouched").isEqualTo(before);
        assertThat(p).as("patch untouched").isEqualTo(patchBefore);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("element without merge key", "{'spec':{'containers':[{'image':'x'}]}}", 500,
                        "map: map[image:x] does not contain declared merge key: name"),
                Arguments.of("$patch merge in a list", "{'spec':{'containers':[{'$patch':'merge'}]}}", 500,
                        "merging lists cannot yet be specified in the patch"),
                Arguments.of("unknown $patch in a map", "{'spec':{'$patch':'frobnicate'}}", 500,
                        "unknown patch type: frobnicate in map: map[$patch:frobnicate]"),
                Arguments.of("key outside $retainKeys", "{'spec':{'volumes':[{'name':'v','$retainKeys':['name'],"
                        + "'secret':{}}]}}", 400, "invalid patch format of retainKeys"),
                Arguments.of("$retainKeys not a list", "{'spec':{'$retainKeys':'x'}}", 400,
                        "invalid patch format of retainKeys"),
                Arguments.of("bad $setElementOrder key", "{'spec':{'$setElementOrderX':[]}}", 400,
                        "invalid patch format of setElementOrder list"),
                Arguments.of("bad $deleteFromPrimitiveList key", "{'metadata':{'$deleteFromPrimitiveList':[]}}", 400,
                        "invalid patch format of primitive list"),
                Arguments.of("order directive contradicts the patch",
                        "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],"
                                + "'containers':[{'name':'b'},{'name':'a'}]}}", 500,
                        "The order in patch list:\n[map[name:b] map[name:a]]\n doesn't match $setElementOrder list:\n"
                                + "[map[name:a] map[name:b]]\n"),
                Arguments.of("mixed element types", "{'metadata':{'finalizers':[1]}}", 500,
                        "list element types are not identical: [[x] [1]]"),
                Arguments.of("list of lists against a list of strings", "{'metadata':{'finalizers':[['a']]}}", 500,
                        "list element types are not identical: [[x] [[a]]]"),
                Arguments.of("patch that is not an object", "[1]", 400,
                        "json: cannot unmarshal array into Go value of type map[string]interface {}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void rejects(String name, String patch, int code, String message) {
        JsonNode original = j("{'metadata':{'finalizers':['x']},'spec':{'containers':[{'name':'a'},{'name':'b'}],"
                + "'volumes':[{'name':'v','emptyDir':{}}]}}");
        assertThatThrownBy(() -> StrategicMergePatch.apply(original, j(patch), PatchSchema.forKind("", "Pod")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void listsOfListsAreUnprocessable() {
        JsonNode original = j("{'metadata':{'finalizers':[]}}");
        assertThatThrownBy(() -> StrategicMergePatch.apply(original, j("{'metadata':{'finalizers':[['a']]}}"),
                PatchSchema.forKind("", "Pod")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("lists of lists are not supported");
                });
    }

    @Test
    void nullPatchLeavesTheObjectAlone() {
        JsonNode original = j("{'metadata':{'name':'p'}}");
        assertThat(StrategicMergePatch.apply(original, j("null"), PatchSchema.forKind("", "Pod"))).isEqualTo(original);
    }

    @Test
    void schemaKnowsBuiltinKindsOnly() {
        assertThat(PatchSchema.isBuiltin("", "Pod")).isTrue();
        assertThat(PatchSchema.isBuiltin("", "ConfigMap")).isTrue();
        assertThat(PatchSchema.isBuiltin("apps", "Deployment")).isTrue();
        assertThat(PatchSchema.isBuiltin("autoscaling", "Scale")).isTrue();
        assertThat(PatchSchema.isBuiltin("apps", "Pod")).isFalse();
        assertThat(PatchSchema.isBuiltin("stable.example.com", "CronTab")).isFalse();

        PatchSchema.Field containers = PatchSchema.forKind("apps", "DaemonSet").field("spec").type()
                .field("template").type().field("spec").type().field("containers");
        assertThat(containers.strategy()).isEqualTo(PatchSchema.Strategy.MERGE);
        assertThat(containers.mergeKey()).isEqualTo("name");
        assertThat(containers.type().field("volumeMounts").mergeKey()).isEqualTo("mountPath");
        PatchSchema.Field volumes = BuiltinPatchSchemas.POD_SPEC.field("volumes");
        assertThat(volumes.retainKeys()).isTrue();
        assertThat(BuiltinPatchSchemas.POD_SPEC.field("tolerations").strategy()).isEqualTo(PatchSchema.Strategy.NONE);
        assertThat(BuiltinPatchSchemas.DEPLOYMENT_SPEC.field("strategy").retainKeys()).isTrue();
    }
}
