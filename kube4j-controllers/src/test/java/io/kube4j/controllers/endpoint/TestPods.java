package io.kube4j.controllers.endpoint;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;

import java.util.List;
import java.util.Map;

/** Pods and services for the endpoint controllers' unit tests: only the fields those controllers read. */
public final class TestPods {
    private TestPods() {
    }

    public static Pod pod(String name, String ip, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name)
                .withLabels(Map.of("app", "kubia")).endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("c").withImage("kubia")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
    }

    public static ServicePort port(String name, int port, Object target) {
        IntOrString t = target instanceof Integer i ? new IntOrString(i) : new IntOrString((String) target);
        return new ServicePortBuilder().withName(name).withPort(port).withProtocol("TCP").withTargetPort(t).build();
    }

    public static Service service(String name, List<ServicePort> ports) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("svc-uid")
                .withLabels(Map.of("team", "a")).endMetadata()
                .withNewSpec().withSelector(Map.of("app", "kubia")).withClusterIP("10.43.0.20").withPorts(ports)
                .endSpec().build();
    }
}
