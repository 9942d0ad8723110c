package io.kube4j.apiserver.resources;

import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.resources.apiextensions.customresourcedefinition.CustomResourceDefinitionStrategy;
import io.kube4j.apiserver.resources.apps.controllerrevision.ControllerRevisionStrategy;
import io.kube4j.apiserver.resources.apps.daemonset.DaemonSetStrategy;
import io.kube4j.apiserver.resources.apps.deployment.DeploymentStrategy;
import io.kube4j.apiserver.resources.apps.replicaset.ReplicaSetStrategy;
import io.kube4j.apiserver.resources.apps.statefulset.StatefulSetStrategy;
import io.kube4j.apiserver.resources.autoscaling.horizontalpodautoscaler.HorizontalPodAutoscalerStrategy;
import io.kube4j.apiserver.resources.batch.cronjob.CronJobStrategy;
import io.kube4j.apiserver.resources.batch.job.JobStrategy;
import io.kube4j.apiserver.resources.coordination.lease.LeaseStrategy;
import io.kube4j.apiserver.resources.discovery.endpointslice.EndpointSliceStrategy;
import io.kube4j.apiserver.resources.networking.ingress.IngressStrategy;
import io.kube4j.apiserver.resources.networking.ingressclass.IngressClassStrategy;
import io.kube4j.apiserver.resources.networking.networkpolicy.NetworkPolicyStrategy;
import io.kube4j.apiserver.resources.policy.poddisruptionbudget.PodDisruptionBudgetStrategy;
import io.kube4j.apiserver.resources.rbac.clusterrole.ClusterRoleStrategy;
import io.kube4j.apiserver.resources.rbac.clusterrolebinding.ClusterRoleBindingStrategy;
import io.kube4j.apiserver.resources.rbac.role.RoleStrategy;
import io.kube4j.apiserver.resources.rbac.rolebinding.RoleBindingStrategy;
import io.kube4j.apiserver.resources.scheduling.priorityclass.PriorityClassStrategy;
import io.kube4j.apiserver.resources.storage.storageclass.StorageClassStrategy;

import java.util.HashMap;
import java.util.Map;

/** Strategies of built-in resources, keyed by {@code group/resource} (core group empty). */
final class GroupStrategies {
    private GroupStrategies() {
    }

    static Map<String, Strategy> all() {
        Map<String, Strategy> m = new HashMap<>();
        m.put("apps/deployments", new DeploymentStrategy());
        m.put("apps/replicasets", new ReplicaSetStrategy());
        m.put("apps/statefulsets", new StatefulSetStrategy());
        m.put("apps/daemonsets", new DaemonSetStrategy());
        m.put("apps/controllerrevisions", new ControllerRevisionStrategy());
        m.put("batch/jobs", new JobStrategy());
        m.put("batch/cronjobs", new CronJobStrategy());
        m.put("networking.k8s.io/ingresses", new IngressStrategy());
        m.put("networking.k8s.io/ingressclasses", new IngressClassStrategy());
        m.put("networking.k8s.io/networkpolicies", new NetworkPolicyStrategy());
        m.put("discovery.k8s.io/endpointslices", new EndpointSliceStrategy());
        m.put("coordination.k8s.io/leases", new LeaseStrategy());
        m.put("rbac.authorization.k8s.io/roles", new RoleStrategy());
        m.put("rbac.authorization.k8s.io/rolebindings", new RoleBindingStrategy());
        m.put("rbac.authorization.k8s.io/clusterroles", new ClusterRoleStrategy());
        m.put("rbac.authorization.k8s.io/clusterrolebindings", new ClusterRoleBindingStrategy());
        m.put("storage.k8s.io/storageclasses", new StorageClassStrategy());
        m.put("policy/poddisruptionbudgets", new PodDisruptionBudgetStrategy());
        m.put("autoscaling/horizontalpodautoscalers", new HorizontalPodAutoscalerStrategy());
        m.put("scheduling.k8s.io/priorityclasses", new PriorityClassStrategy());
        m.put("apiextensions.k8s.io/customresourcedefinitions", new CustomResourceDefinitionStrategy());
        return m;
    }
}
