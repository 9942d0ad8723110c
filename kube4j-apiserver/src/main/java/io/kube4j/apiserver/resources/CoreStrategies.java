package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.registry.ListOptions;
import io.kube4j.apiserver.registry.Registry;
import io.kube4j.apiserver.registry.Strategy;
import io.kube4j.apiserver.registry.StrategyOptions;
import io.kube4j.apiserver.resources.core.configmap.ConfigMapStrategy;
import io.kube4j.apiserver.resources.core.endpoints.EndpointsStrategy;
import io.kube4j.apiserver.resources.core.event.EventStrategy;
import io.kube4j.apiserver.resources.core.limitrange.LimitRangeStrategy;
import io.kube4j.apiserver.resources.core.node.NodeStrategy;
import io.kube4j.apiserver.resources.core.persistentvolume.PersistentVolumeStrategy;
import io.kube4j.apiserver.resources.core.persistentvolumeclaim.PersistentVolumeClaimStrategy;
import io.kube4j.apiserver.resources.core.pod.PodStrategy;
import io.kube4j.apiserver.resources.core.podtemplate.PodTemplateStrategy;
import io.kube4j.apiserver.resources.core.replicationcontroller.ReplicationControllerStrategy;
import io.kube4j.apiserver.resources.core.resourcequota.ResourceQuotaStrategy;
import io.kube4j.apiserver.resources.core.secret.SecretStrategy;
import io.kube4j.apiserver.resources.core.service.ClusterIpAllocator;
import io.kube4j.apiserver.resources.core.service.NodePortAllocator;
import io.kube4j.apiserver.resources.core.service.ServiceStrategy;
import io.kube4j.apiserver.resources.core.serviceaccount.ServiceAccountStrategy;
import io.kube4j.apiserver.resources.core.serviceaccount.TokenRequests;
import io.kube4j.apiserver.authn.serviceaccount.ServiceAccountTokens;
import io.kube4j.apiserver.server.ApiServerOptions;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Strategies of the core/v1 resources, keyed by {@code group/resource} (core group empty, e.g. "/pods"). */
final class CoreStrategies {
    private CoreStrategies() {
    }


    /**
     * The strategies. {@code registry} may still be empty when this is called: the service
     * allocators look the services store up on each allocation.
     *
     * @param serviceCidr the range cluster IPs come from, e.g. {@code ApiServerOptions.serviceCidr()}
     */
    static Map<String, Strategy> all(Registry registry, String serviceCidr, Clock clock) {
        return all(registry, serviceCidr, clock, new ServiceAccountTokens(
                io.kube4j.apiserver.authn.serviceaccount.ServiceAccountKey.generateInMemory(), ServiceAccountTokens.ISSUER));
    }

    /** As above, with the signer the serviceaccounts/token subresource uses. */
    static Map<String, Strategy> all(Registry registry, String serviceCidr, Clock clock, ServiceAccountTokens tokens) {
        return build(() -> registry.store("", "services").list(null, ListOptions.all()).items(), serviceCidr, clock,
                tokens);
    }

    private static Map<String, Strategy> build(Supplier<Collection<ObjectNode>> services, String serviceCidr, Clock clock,
                                               ServiceAccountTokens tokens) {
        Map<String, Strategy> m = new HashMap<>();
        SecureRandom random = new SecureRandom();
        ClusterIpAllocator ips = new ClusterIpAllocator(serviceCidr, services == null ? null : services::get, clock, random);
        NodePortAllocator ports = new NodePortAllocator(NodePortAllocator.DEFAULT_FIRST, NodePortAllocator.DEFAULT_LAST,
                services == null ? null : services::get, clock, random);
        m.put("/pods", new PodStrategy(clock));
        m.put("/services", new ServiceStrategy(ips, ports));
        m.put("/secrets", new SecretStrategy());
        m.put("/configmaps", new ConfigMapStrategy());
        m.put("/serviceaccounts", new ServiceAccountStrategy(new TokenRequests(tokens, clock)));
        m.put("/endpoints", new EndpointsStrategy());
        m.put("/events", new EventStrategy());
        m.put("/nodes", new NodeStrategy());
        m.put("/persistentvolumes", new PersistentVolumeStrategy(clock));
        m.put("/persistentvolumeclaims", new PersistentVolumeClaimStrategy());
        m.put("/replicationcontrollers", new ReplicationControllerStrategy());
        m.put("/limitranges", new LimitRangeStrategy());
        m.put("/resourcequotas", new ResourceQuotaStrategy());
        m.put("/podtemplates", new PodTemplateStrategy());
        return m;
    }
}
