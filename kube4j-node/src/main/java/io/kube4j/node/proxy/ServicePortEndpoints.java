package io.kube4j.node.proxy;

import java.util.List;
import java.util.Objects;

/** A service port and all its endpoints (from every slice of the service), as the ruleset builder reads them. */
public record ServicePortEndpoints(ServicePortInfo port, List<EndpointInfo> endpoints) {
    public ServicePortEndpoints {
        Objects.requireNonNull(port, "port");
        endpoints = List.copyOf(endpoints);
    }
}
