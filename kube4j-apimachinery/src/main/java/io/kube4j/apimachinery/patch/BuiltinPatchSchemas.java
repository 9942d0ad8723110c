package io.kube4j.apimachinery.patch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The patch metadata of the Kubernetes v1.32 built-in types (the {@code patchStrategy}/{@code patchMergeKey} tags of
 * core/v1, apps/v1, batch/v1, meta/v1 and the other built-in groups), and which (group, kind) uses which root type.
 * Only fields that carry a tag, or lead to a type that does, are listed. Immutable after class initialisation.
 */
final class BuiltinPatchSchemas {
    private BuiltinPatchSchemas() {
    }

    static final PatchSchema OBJECT_META = PatchSchema.type("ObjectMeta")
            .mergeSet("finalizers")
            .merge("ownerReferences", "uid", PatchSchema.OPAQUE)
            .build();

    /** Container and EphemeralContainer (EphemeralContainerCommon) carry the same tags. */
    static final PatchSchema CONTAINER = PatchSchema.type("Container")
            .merge("ports", "containerPort", PatchSchema.OPAQUE)
            .merge("env", "name", PatchSchema.OPAQUE)
            .merge("volumeMounts", "mountPath", PatchSchema.OPAQUE)
            .merge("volumeDevices", "devicePath", PatchSchema.OPAQUE)
            .build();

    static final PatchSchema POD_SPEC = PatchSchema.type("PodSpec")
            .mergeRetainKeys("volumes", "name", PatchSchema.OPAQUE)
            .merge("initContainers", "name", CONTAINER)
            .merge("containers", "name", CONTAINER)
            .merge("ephemeralContainers", "name", CONTAINER)
            .merge("imagePullSecrets", "name", PatchSchema.OPAQUE)
            .merge("hostAliases", "ip", PatchSchema.OPAQUE)
            .merge("topologySpreadConstraints", "topologyKey", PatchSchema.OPAQUE)
            .merge("schedulingGates", "name", PatchSchema.OPAQUE)
            .mergeRetainKeys("resourceClaims", "name", PatchSchema.OPAQUE)
            .build();

    static final PatchSchema CONTAINER_STATUS = PatchSchema.type("ContainerStatus")
            .merge("allocatedResourcesStatus", "name", PatchSchema.OPAQUE)
            .build();

    static final PatchSchema POD_STATUS = PatchSchema.type("PodStatus")
            .merge("conditions", "type", PatchSchema.OPAQUE)
            .merge("podIPs", "ip", PatchSchema.OPAQUE)
            .merge("hostIPs", "ip", PatchSchema.OPAQUE)
            .mergeRetainKeys("resourceClaimStatuses", "name", PatchSchema.OPAQUE)
            .build();

    static final PatchSchema POD = root("Pod")
            .field("spec", POD_SPEC)
            .field("status", POD_STATUS)
            .build();

    static final PatchSchema POD_TEMPLATE_SPEC = PatchSchema.type("PodTemplateSpec")
            .field("metadata", OBJECT_META)
            .field("spec", POD_SPEC)
            .build();

    /** A status whose only tagged field is {@code conditions} (merge on {@code type}). */
    static final PatchSchema CONDITIONS_STATUS = PatchSchema.type("ConditionsStatus")
            .merge("conditions", "type", PatchSchema.OPAQUE)
            .build();

    /** The spec of workloads whose only path to tags is {@code template}. */
    static final PatchSchema TEMPLATED_SPEC = PatchSchema.type("TemplatedSpec")
            .field("template", POD_TEMPLATE_SPEC)
            .build();

    static final PatchSchema DEPLOYMENT_SPEC = PatchSchema.type("DeploymentSpec")
            .field("template", POD_TEMPLATE_SPEC)
            .retainKeys("strategy", PatchSchema.OPAQUE)
            .build();

    static final PatchSchema JOB_TEMPLATE_SPEC = PatchSchema.type("JobTemplateSpec")
            .field("metadata", OBJECT_META)
            .field("spec", TEMPLATED_SPEC)
            .build();

    private static final Map<String, PatchSchema> KINDS = new HashMap<>();

    static {
        // core/v1
        put("", "Pod", POD);
        put("", "PodTemplate", root("PodTemplate").field("template", POD_TEMPLATE_SPEC).build());
        put("", "ReplicationController", root("ReplicationController")
                .field("spec", TEMPLATED_SPEC).field("status", CONDITIONS_STATUS).build());
        put("", "Service", root("Service")
                .field("spec", PatchSchema.type("ServiceSpec").merge("ports", "port", PatchSchema.OPAQUE).build())
                .field("status", CONDITIONS_STATUS).build());
        put("", "Node", root("Node")
                .field("spec", PatchSchema.type("NodeSpec").mergeSet("podCIDRs").build())
                .field("status", PatchSchema.type("NodeStatus")
                        .merge("conditions", "type", PatchSchema.OPAQUE)
                        .merge("addresses", "type", PatchSchema.OPAQUE).build())
                .build());
        put("", "Namespace", root("Namespace").field("status", CONDITIONS_STATUS).build());
        put("", "PersistentVolumeClaim", root("PersistentVolumeClaim").field("status", CONDITIONS_STATUS).build());
        put("", "ServiceAccount", root("ServiceAccount").merge("secrets", "name", PatchSchema.OPAQUE).build());
        put("", "ComponentStatus", root("ComponentStatus").merge("conditions", "type", PatchSchema.OPAQUE).build());
        plain("", List.of("Binding", "ConfigMap", "Endpoints", "Event", "LimitRange", "PersistentVolume",
                "ResourceQuota", "Secret"));

        // apps/v1
        put("apps", "Deployment", root("Deployment")
                .field("spec", DEPLOYMENT_SPEC).field("status", CONDITIONS_STATUS).build());
        for (String kind : List.of("ReplicaSet", "DaemonSet", "StatefulSet")) {
            put("apps", kind, root(kind).field("spec", TEMPLATED_SPEC).field("status", CONDITIONS_STATUS).build());
        }
        plain("apps", List.of("ControllerRevision"));

        // batch/v1
        put("batch", "Job", root("Job").field("spec", TEMPLATED_SPEC).field("status", CONDITIONS_STATUS).build());
        put("batch", "CronJob", root("CronJob")
                .field("spec", PatchSchema.type("CronJobSpec").field("jobTemplate", JOB_TEMPLATE_SPEC).build())
                .build());

        // autoscaling (v2 conditions; v1 has none, so the same schema serves both), policy
        put("autoscaling", "HorizontalPodAutoscaler", root("HorizontalPodAutoscaler")
                .field("status", CONDITIONS_STATUS).build());
        plain("autoscaling", List.of("Scale"));
        put("policy", "PodDisruptionBudget", root("PodDisruptionBudget").field("status", CONDITIONS_STATUS).build());
        plain("policy", List.of("Eviction"));

        // admissionregistration.k8s.io/v1
        for (String kind : List.of("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")) {
            put("admissionregistration.k8s.io", kind, root(kind).merge("webhooks", "name", PatchSchema.OPAQUE).build());
        }
        plain("admissionregistration.k8s.io", List.of("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"));

        // apiregistration.k8s.io/v1, storage.k8s.io/v1
        put("apiregistration.k8s.io", "APIService", root("APIService").field("status", CONDITIONS_STATUS).build());
        put("storage.k8s.io", "CSINode", root("CSINode")
                .field("spec", PatchSchema.type("CSINodeSpec").merge("drivers", "name", PatchSchema.OPAQUE).build())
                .build());
        plain("storage.k8s.io", List.of("StorageClass", "VolumeAttachment", "CSIDriver", "CSIStorageCapacity"));

        // groups whose types carry no list tags at all
        plain("apiextensions.k8s.io", List.of("CustomResourceDefinition"));
        plain("networking.k8s.io", List.of("Ingress", "IngressClass", "NetworkPolicy"));
        plain("discovery.k8s.io", List.of("EndpointSlice"));
        plain("coordination.k8s.io", List.of("Lease"));
        plain("events.k8s.io", List.of("Event"));
        plain("rbac.authorization.k8s.io", List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"));
        plain("scheduling.k8s.io", List.of("PriorityClass"));
        plain("node.k8s.io", List.of("RuntimeClass"));
        plain("certificates.k8s.io", List.of("CertificateSigningRequest"));
        plain("flowcontrol.apiserver.k8s.io", List.of("FlowSchema", "PriorityLevelConfiguration"));
    }

    static PatchSchema forKind(String group, String kind) {
        PatchSchema s = KINDS.get(group + "/" + kind);
        return s == null ? PatchSchema.UNKNOWN : s;
    }

    private static PatchSchema.Builder root(String kind) {
        return PatchSchema.type(kind).field("metadata", OBJECT_META);
    }

    private static void put(String group, String kind, PatchSchema schema) {
        KINDS.put(group + "/" + kind, schema);
    }

    private static void plain(String group, List<String> kinds) {
        for (String kind : kinds) {
            put(group, kind, root(kind).build());
        }
    }
}
