package io.kube4j.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod with what every scheduling cycle needs computed once: its effective requests (containers summed, init
 * containers' maximum, sidecars, overhead), the non-zero requests used for scoring, and its host ports. Immutable;
 * the pod object is shared with the informer cache and must not be changed.
 */
public final class PodInfo {
    /** Requests assumed for scoring when a container asks for no CPU or memory (upstream's defaults). */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    private final Pod pod;
    private final Resource requests;
    private final long nonZeroMilliCpu;
    private final long nonZeroMemory;
    private final List<HostPort> hostPorts;

    /** A container's host port: protocol, host IP ({@code 0.0.0.0} when unset) and port. */
    public record HostPort(String protocol, String ip, int port) {
        /** Two host ports conflict when protocol and port are equal and either IP is the wildcard or both are equal. */
        public boolean conflictsWith(HostPort o) {
            return port == o.port && protocol.equals(o.protocol)
                    && (ip.equals("0.0.0.0") || o.ip.equals("0.0.0.0") || ip.equals(o.ip));
        }
    }

    public PodInfo(Pod pod) {
        this.pod = pod;
        var spec = pod.getSpec();
        List<Container> containers = spec == null || spec.getContainers() == null ? List.of() : spec.getContainers();
        List<Container> inits = spec == null || spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
        Resource sum = new Resource();
        long cpu = 0;
        long mem = 0;
        for (Container c : containers) {
            Map<String, io.fabric8.kubernetes.api.model.Quantity> req = requestsOf(c);
            Resource r = new Resource().add(req);
            sum.add(r);
            cpu += req != null && req.containsKey("cpu") ? r.milliCpu : DEFAULT_MILLI_CPU_REQUEST;
            mem += req != null && req.containsKey("memory") ? r.memory : DEFAULT_MEMORY_REQUEST;
        }
        // sidecars (init containers that restart Always) run beside the app containers; a regular init container
        // runs alone, next to the sidecars started before it
        Resource sidecars = new Resource();
        Resource initMax = new Resource();
        long sidecarCpu = 0;
        long sidecarMem = 0;
        long initCpuMax = 0;
        long initMemMax = 0;
        for (Container c : inits) {
            Map<String, io.fabric8.kubernetes.api.model.Quantity> req = requestsOf(c);
            Resource r = new Resource().add(req);
            long ccpu = req != null && req.containsKey("cpu") ? r.milliCpu : DEFAULT_MILLI_CPU_REQUEST;
            long cmem = req != null && req.containsKey("memory") ? r.memory : DEFAULT_MEMORY_REQUEST;
            if ("Always".equals(c.getRestartPolicy())) {
                sum.add(r);
                sidecars.add(r);
                cpu += ccpu;
                mem += cmem;
                sidecarCpu += ccpu;
                sidecarMem += cmem;
                initMax.max(sidecars);
                initCpuMax = Math.max(initCpuMax, sidecarCpu);
                initMemMax = Math.max(initMemMax, sidecarMem);
            } else {
                Resource withSidecars = r.copy();
                withSidecars.add(sidecars);
                initMax.max(withSidecars);
                initCpuMax = Math.max(initCpuMax, ccpu + sidecarCpu);
                initMemMax = Math.max(initMemMax, cmem + sidecarMem);
            }
        }
        sum.max(initMax);
        cpu = Math.max(cpu, initCpuMax);
        mem = Math.max(mem, initMemMax);
        if (spec != null && spec.getOverhead() != null) {
            Resource overhead = new Resource().add(spec.getOverhead());
            sum.add(overhead);
            cpu += overhead.milliCpu;
            mem += overhead.memory;
        }
        this.requests = sum;
        this.nonZeroMilliCpu = cpu;
        this.nonZeroMemory = mem;
        List<HostPort> ports = new ArrayList<>();
        for (List<Container> list : List.of(inits, containers)) {
            for (Container c : list) {
                if (c.getPorts() == null) {
                    continue;
                }
                for (ContainerPort p : c.getPorts()) {
                    if (p.getHostPort() != null && p.getHostPort() > 0) {
                        ports.add(new HostPort(p.getProtocol() == null ? "TCP" : p.getProtocol(),
                                p.getHostIP() == null || p.getHostIP().isEmpty() ? "0.0.0.0" : p.getHostIP(),
                                p.getHostPort()));
                    }
                }
            }
        }
        this.hostPorts = List.copyOf(ports);
    }

    private static Map<String, io.fabric8.kubernetes.api.model.Quantity> requestsOf(Container c) {
        ResourceRequirements r = c.getResources();
        return r == null ? null : r.getRequests();
    }

    public Pod pod() {
        return pod;
    }

    public String uid() {
        return pod.getMetadata().getUid();
    }

    /** {@code namespace/name}. */
    public String key() {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** The requests the node must have free; do not change. */
    public Resource requests() {
        return requests;
    }

    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    public List<HostPort> hostPorts() {
        return hostPorts;
    }

    /** spec.priority, 0 when unset. */
    public int priority() {
        Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
        return p == null ? 0 : p;
    }

    @Override
    public String toString() {
        return key();
    }
}
