package io.kube4j.scheduler.framework.plugins.noderesources;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.kube4j.scheduler.Fixtures;
import io.kube4j.scheduler.framework.Code;
import io.kube4j.scheduler.framework.CycleState;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import io.kube4j.scheduler.framework.Status;
import io.kube4j.scheduler.framework.plugins.nodeaffinity.NodeAffinity;
import io.kube4j.scheduler.framework.plugins.nodename.NodeName;
import io.kube4j.scheduler.framework.plugins.nodeports.NodePorts;
import io.kube4j.scheduler.framework.plugins.noderesources.BalancedAllocation;
import io.kube4j.scheduler.framework.plugins.noderesources.Fit;
import io.kube4j.scheduler.framework.plugins.nodeunschedulable.NodeUnschedulable;
import io.kube4j.scheduler.framework.plugins.tainttoleration.TaintToleration;
import org.junit.jupiter.api.Test;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

class FitTest {
    static io.fabric8.kubernetes.api.model.Container container(String name, String cpu) {
        return new ContainerBuilder().withName(name).withImage("i").withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cpu))).endResources().build();
    }

    @Test
    void fitsWhatIsLeftAfterPodsOnTheNode() {
        Node n = Fixtures.node("n", "2", "4Gi", 110).build();
        NodeInfo ni = NodeInfo.of(n, new PodInfo(Fixtures.pod("a", "1500m", "1Gi").build()));
        assertThat(Fixtures.filter(new Fit(), Fixtures.pod("b", "500m", "1Gi").build(), ni).isSuccess()).isTrue();
        Status s = Fixtures.filter(new Fit(), Fixtures.pod("c", "600m", "4Gi").build(), ni);
        assertThat(s.code()).isEqualTo(Code.UNSCHEDULABLE);
        assertThat(s.reasons()).containsExactly("Insufficient cpu", "Insufficient memory");
    }

    @Test
    void tooManyPods() {
        NodeInfo ni = NodeInfo.of(Fixtures.node("n", "2", "4Gi", 1).build(), new PodInfo(Fixtures.pod("a")));
        assertThat(Fixtures.filter(new Fit(), Fixtures.pod("b"), ni).reasons()).containsExactly("Too many pods");
    }

    @Test
    void initContainersCountByTheirMaximumAndOverheadIsAdded() {
        Pod p = new PodBuilder(Fixtures.pod("p", "200m", null).build()).editSpec()
                .addToInitContainers(container("i1", "1"), container("i2", "500m"))
                .withOverhead(Map.of("cpu", new Quantity("100m"))).endSpec().build();
        assertThat(new PodInfo(p).requests().milliCpu).isEqualTo(1100);
    }

    @Test
    void sidecarsAddToTheAppContainers() {
        var sidecar = new ContainerBuilder(container("s", "300m")).withRestartPolicy("Always").build();
        Pod p = new PodBuilder(Fixtures.pod("p", "200m", null).build()).editSpec()
                .addToInitContainers(sidecar, container("i", "400m")).endSpec().build();
        // app 200m + sidecar 300m = 500m; the init container runs beside the sidecar: 700m
        assertThat(new PodInfo(p).requests().milliCpu).isEqualTo(700);
    }

    @Test
    void extendedResources() {
        Node n = Fixtures.node("n", "2", "4Gi", 110).editStatus()
                .addToAllocatable("example.com/gpu", new Quantity("1")).endStatus().build();
        Pod p = new PodBuilder(Fixtures.pod("p")).editSpec().editFirstContainer().withNewResources()
                .withRequests(Map.of("example.com/gpu", new Quantity("2"))).endResources().endContainer()
                .endSpec().build();
        assertThat(Fixtures.filter(new Fit(), p, NodeInfo.of(n)).reasons()).containsExactly("Insufficient example.com/gpu");
    }

    @Test
    void leastAllocatedPrefersTheEmptierNode() {
        Fit fit = new Fit();
        PodInfo p = new PodInfo(Fixtures.pod("p", "1", "1Gi").build());
        NodeInfo empty = NodeInfo.of(Fixtures.node("a", "4", "8Gi", 110).build());
        NodeInfo busy = NodeInfo.of(Fixtures.node("b", "4", "8Gi", 110).build(),
                new PodInfo(Fixtures.pod("x", "2", "4Gi").build()));
        long se = fit.score(new CycleState(), p, empty);
        long sb = fit.score(new CycleState(), p, busy);
        assertThat(se).isEqualTo(((3000 * 100 / 4000) + (7L * 100 / 8)) / 2);
        assertThat(sb).isLessThan(se);
    }

    @Test
    void balancedAllocationPrefersEqualShares() {
        BalancedAllocation b = new BalancedAllocation();
        PodInfo p = new PodInfo(Fixtures.pod("p", "1", "1Gi").build());
        NodeInfo balanced = NodeInfo.of(Fixtures.node("a", "4", "4Gi", 110).build());
        NodeInfo skewed = NodeInfo.of(Fixtures.node("b", "4", "64Gi", 110).build());
        assertThat(b.score(new CycleState(), p, balanced)).isEqualTo(100);
        assertThat(b.score(new CycleState(), p, skewed)).isLessThan(100);
    }

    @Test
    void theFastCheckAgreesWithTheReasons() {
        Node n = Fixtures.node("n", "2", "4Gi", 3).editStatus()
                .addToAllocatable("example.com/gpu", new Quantity("1"))
                .addToAllocatable("ephemeral-storage", new Quantity("10Gi")).endStatus().build();
        String[] cpus = {null, "0", "500m", "1", "2", "3"};
        String[] mems = {null, "1Gi", "4Gi", "5Gi"};
        int checked = 0;
        for (int onNode = 0; onNode <= 3; onNode++) {
            PodInfo[] present = new PodInfo[onNode];
            for (int i = 0; i < onNode; i++) {
                present[i] = new PodInfo(Fixtures.pod("x" + i, "500m", "1Gi").build());
            }
            NodeInfo ni = NodeInfo.of(n, present);
            for (String cpu : cpus) {
                for (String mem : mems) {
                    for (String gpu : new String[]{null, "1", "2"}) {
                        Pod p = Fixtures.pod("p", cpu, mem).build();
                        if (gpu != null) {
                            p = new PodBuilder(p).editSpec().editFirstContainer().editOrNewResources()
                                    .addToRequests("example.com/gpu", new Quantity(gpu)).endResources().endContainer()
                                    .endSpec().build();
                        }
                        PodInfo pi = new PodInfo(p);
                        assertThat(Fit.fits(pi, ni)).as("cpu=%s mem=%s gpu=%s pods=%d", cpu, mem, gpu, onNode)
                                .isEqualTo(Fit.insufficient(pi, ni).isEmpty());
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(4 * 6 * 4 * 3);
    }
}
