package io.kube4j.scheduler.cache;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kube4j.scheduler.Fixtures;
import io.kube4j.scheduler.framework.NodeInfo;
import io.kube4j.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulerCacheTest {
    final SchedulerCache cache = new SchedulerCache();

    static PodInfo bound(String name, String node) {
        Pod p = new PodBuilder(Fixtures.pod(name, "100m", "64Mi").build()).editSpec().withNodeName(node).endSpec()
                .build();
        return new PodInfo(p);
    }

    /** What a snapshot holds, as plain values: node name, pod names in order, requested CPU. */
    static List<String> describe(Snapshot s) {
        List<String> out = new ArrayList<>();
        for (NodeInfo n : s.nodes()) {
            out.add(n.name() + n.pods() + " cpu=" + n.requested().milliCpu + " gen=" + n.generation());
        }
        return out;
    }

    static List<String> fresh(SchedulerCache cache) {
        Snapshot s = new Snapshot();
        cache.updateSnapshot(s);
        return describe(s);
    }

    @Test
    void snapshotCopiesOnlyChangedNodesAndKeepsTheirOrder() {
        for (int i = 0; i < 4; i++) {
            cache.addNode(Fixtures.node("n" + i));
        }
        Snapshot snap = new Snapshot();
        cache.updateSnapshot(snap);
        NodeInfo n0 = snap.get("n0");
        NodeInfo n2 = snap.get("n2");
        cache.assumePod(bound("a", "n2"), "n2");
        cache.updateSnapshot(snap);

        assertThat(snap.nodes()).extracting(NodeInfo::name).containsExactly("n0", "n1", "n2", "n3");
        assertThat(snap.get("n0")).isSameAs(n0);
        assertThat(snap.get("n2")).isNotSameAs(n2);
        assertThat(snap.get("n2").pods()).extracting(PodInfo::key).containsExactly("default/a");
        assertThat(n2.pods()).as("the earlier copy is not changed").isEmpty();
    }

    @Test
    void aPodConfirmedOnAnotherNodeThanAssumedMovesInTheSnapshot() {
        cache.addNode(Fixtures.node("n0"));
        cache.addNode(Fixtures.node("n1"));
        Snapshot snap = new Snapshot();
        cache.updateSnapshot(snap);
        cache.assumePod(bound("a", "n1"), "n1");
        cache.updateSnapshot(snap);
        cache.addPod(bound("b", "n0"));
        // n1 changes, then n0 again: both are newer than the snapshot
        cache.addPod(bound("a", "n0"));
        cache.updateSnapshot(snap);

        assertThat(describe(snap)).isEqualTo(fresh(cache));
        assertThat(snap.get("n0").pods()).extracting(PodInfo::key).containsExactly("default/b", "default/a");
        assertThat(snap.get("n1").pods()).isEmpty();
        assertThat(cache.isAssumed(bound("a", "n0").uid())).isFalse();
    }

    @Test
    void anIncrementalSnapshotEqualsAFreshOneAfterEveryChange() {
        Random random = new Random(7);
        Snapshot snap = new Snapshot();
        List<String> live = new ArrayList<>();
        List<String> assumed = new ArrayList<>();
        int pods = 0;
        for (int step = 0; step < 2000; step++) {
            int op = random.nextInt(10);
            String node = "n" + random.nextInt(8);
            if (op == 0) {
                cache.addNode(Fixtures.node(node, Integer.toString(1 + random.nextInt(8)), "8Gi", 110).build());
            } else if (op == 1) {
                cache.removeNode(node);
            } else if (op <= 4) {
                PodInfo p = bound("p" + pods++, node);
                cache.assumePod(p, node);
                assumed.add(p.pod().getMetadata().getName() + "@" + node);
            } else if (op <= 6 && !assumed.isEmpty()) {
                // the informer confirms an assumed pod, sometimes on another node than assumed
                String[] a = assumed.remove(random.nextInt(assumed.size())).split("@");
                String on = random.nextInt(4) == 0 ? node : a[1];
                cache.addPod(bound(a[0], on));
                live.add(a[0] + "@" + on);
            } else if (op == 7 && !assumed.isEmpty()) {
                String[] a = assumed.remove(random.nextInt(assumed.size())).split("@");
                cache.forgetPod(bound(a[0], a[1]).uid());
            } else if (op >= 8 && !live.isEmpty()) {
                String[] l = live.remove(random.nextInt(live.size())).split("@");
                cache.removePod(bound(l[0], l[1]).uid());
            }
            if (random.nextInt(3) == 0) {
                cache.updateSnapshot(snap);
                assertThat(describe(snap)).as("step %d", step).isEqualTo(fresh(cache));
            }
        }
        cache.updateSnapshot(snap);
        assertThat(describe(snap)).isEqualTo(fresh(cache));
    }
}
