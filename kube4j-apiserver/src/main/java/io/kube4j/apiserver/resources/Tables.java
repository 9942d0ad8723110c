package io.kube4j.apiserver.resources;

import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.resources.apps.controllerrevision.ControllerRevisionTableConvertor;
import io.kube4j.apiserver.resources.apps.daemonset.DaemonSetTableConvertor;
import io.kube4j.apiserver.resources.apps.deployment.DeploymentTableConvertor;
import io.kube4j.apiserver.resources.apps.replicaset.ReplicaSetTableConvertor;
import io.kube4j.apiserver.resources.apps.statefulset.StatefulSetTableConvertor;
import io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerTableConvertor;
import io.kube4j.apiserver.resources.batch.cronjob.CronJobTableConvertor;
import io.kube4j.apiserver.resources.batch.job.JobTableConvertor;
import io.kube4j.apiserver.resources.coordination.lease.LeaseTableConvertor;
import io.kube4j.apiserver.resources.core.configmap.ConfigMapTableConvertor;
import io.kube4j.apiserver.resources.core.endpoints.EndpointsTableConvertor;
import io.kube4j.apiserver.resources.core.event.EventTableConvertor;
import io.kube4j.apiserver.resources.core.namespace.NamespaceTableConvertor;
import io.kube4j.apiserver.resources.core.node.NodeTableConvertor;
import io.kube4j.apiserver.resources.core.persistentvolume.PersistentVolumeTableConvertor;
import io.kube4j.apiserver.resources.core.persistentvolumeclaim.PersistentVolumeClaimTableConvertor;
import io.kube4j.apiserver.resources.core.pod.PodTableConvertor;
import io.kube4j.apiserver.resources.core.podtemplate.PodTemplateTableConvertor;
import io.kube4j.apiserver.resources.core.replicationcontroller.ReplicationControllerTableConvertor;
import io.kube4j.apiserver.resources.core.resourcequota.ResourceQuotaTableConvertor;
import io.kube4j.apiserver.resources.core.secret.SecretTableConvertor;
import io.kube4j.apiserver.resources.core.service.ServiceTableConvertor;
import io.kube4j.apiserver.resources.core.serviceaccount.ServiceAccountTableConvertor;
import io.kube4j.apiserver.resources.discovery.endpointslice.EndpointSliceTableConvertor;
import io.kube4j.apiserver.resources.networking.ingress.IngressTableConvertor;
import io.kube4j.apiserver.resources.networking.ingressclass.IngressClassTableConvertor;
import io.kube4j.apiserver.resources.networking.networkpolicy.NetworkPolicyTableConvertor;
import io.kube4j.apiserver.resources.policy.poddisruptionbudget.PodDisruptionBudgetTableConvertor;
import io.kube4j.apiserver.resources.rbac.rolebinding.RoleBindingTableConvertor;
import io.kube4j.apiserver.resources.scheduling.priorityclass.PriorityClassTableConvertor;
import io.kube4j.apiserver.resources.storage.storageclass.StorageClassTableConvertor;

import java.util.HashMap;
import java.util.Map;

/**
 * Table convertors of built-in resources, keyed by {@code group/resource} (core group empty).
 * Resources upstream prints with the default table (NAME, CREATED AT) are deliberately absent:
 * limitranges, roles, clusterroles and customresourcedefinitions.
 */
final class Tables {
    private Tables() {
    }

    static Map<String, TableConvertor> all() {
        Map<String, TableConvertor> m = new HashMap<>();
        // core/v1
        m.put("/configmaps", new ConfigMapTableConvertor());
        m.put("/endpoints", new EndpointsTableConvertor());
        m.put("/events", new EventTableConvertor());
        m.put("/namespaces", new NamespaceTableConvertor());
        m.put("/nodes", new NodeTableConvertor());
        m.put("/persistentvolumeclaims", new PersistentVolumeClaimTableConvertor());
        m.put("/persistentvolumes", new PersistentVolumeTableConvertor());
        m.put("/pods", new PodTableConvertor());
        m.put("/podtemplates", new PodTemplateTableConvertor());
        m.put("/replicationcontrollers", new ReplicationControllerTableConvertor());
        m.put("/resourcequotas", new ResourceQuotaTableConvertor());
        m.put("/secrets", new SecretTableConvertor());
        m.put("/serviceaccounts", new ServiceAccountTableConvertor());
        m.put("/services", new ServiceTableConvertor());
        // apps/v1
        m.put("apps/controllerrevisions", new ControllerRevisionTableConvertor());
        m.put("apps/daemonsets", new DaemonSetTableConvertor());
        m.put("apps/deployments", new DeploymentTableConvertor());
        m.put("apps/replicasets", new ReplicaSetTableConvertor());
        m.put("apps/statefulsets", new StatefulSetTableConvertor());
        // batch/v1
        m.put("batch/cronjobs", new CronJobTableConvertor());
        m.put("batch/jobs", new JobTableConvertor());
        // named groups
        m.put("autoscaling/horizontalpodautoscalers", new HorizontalPodAutoscalerTableConvertor());
        m.put("networking.k8s.io/ingressclasses", new IngressClassTableConvertor());
        m.put("networking.k8s.io/ingresses", new IngressTableConvertor());
        m.put("networking.k8s.io/networkpolicies", new NetworkPolicyTableConvertor());
        m.put("discovery.k8s.io/endpointslices", new EndpointSliceTableConvertor());
        m.put("coordination.k8s.io/leases", new LeaseTableConvertor());
        m.put("rbac.authorization.k8s.io/clusterrolebindings", new RoleBindingTableConvertor());
        m.put("rbac.authorization.k8s.io/rolebindings", new RoleBindingTableConvertor());
        m.put("storage.k8s.io/storageclasses", new StorageClassTableConvertor());
        m.put("policy/poddisruptionbudgets", new PodDisruptionBudgetTableConvertor());
        m.put("scheduling.k8s.io/priorityclasses", new PriorityClassTableConvertor());
        return m;
    }
}
