package io.kube4j.controllers.endpointslice;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.kube4j.controllers.endpoint.TestPods;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SliceReconcilerTest {
    static final SliceMeta META = EndpointSliceFunctions.meta(TestPods.service("kubia", List.of()));
    static final List<EndpointPort> PORTS = List.of(new EndpointPortBuilder().withName("").withPort(8080)
            .withProtocol("TCP").build());

    static Endpoint ep(int i, boolean ready) {
        return new EndpointBuilder().withAddresses("10.42.0." + i).withNewConditions().withReady(ready).withServing(ready)
                .withTerminating(false).endConditions().withTargetRef(new ObjectReferenceBuilder().withKind("Pod")
                        .withNamespace("ns").withName("p" + i).withUid("u" + i).build()).build();
    }

    static List<Endpoint> eps(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> ep(i, true)).toList();
    }

    /** What the server would hand back: a created slice with a name. */
    static EndpointSlice stored(EndpointSlice s, String name) {
        return new EndpointSliceBuilder(s).editMetadata().withName(name).withResourceVersion("1").endMetadata().build();
    }

    static List<SliceReconciler.Desired> desired(List<Endpoint> endpoints) {
        return List.of(new SliceReconciler.Desired(PORTS, endpoints));
    }

    @Test
    void newEndpointsAreCutIntoSlicesOfAtMostTheMaximum() {
        var plan = SliceReconciler.reconcile(META, desired(eps(0, 250)), List.of(), 100, true);
        assertThat(plan.create()).extracting(s -> s.getEndpoints().size()).containsExactly(100, 100, 50);
        EndpointSlice s = plan.create().getFirst();
        assertThat(s.getMetadata().getGenerateName()).isEqualTo("kubia-");
        assertThat(s.getMetadata().getLabels()).containsEntry("kubernetes.io/service-name", "kubia")
                .containsEntry("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io")
                .containsEntry("team", "a");
        assertThat(s.getMetadata().getOwnerReferences()).singleElement().satisfies(r -> {
            assertThat(r.getKind()).isEqualTo("Service");
            assertThat(r.getController()).isTrue();
            assertThat(r.getBlockOwnerDeletion()).isTrue();
        });
        assertThat(s.getAddressType()).isEqualTo("IPv4");
        assertThat(plan.update()).isEmpty();
        assertThat(plan.delete()).isEmpty();
    }

    @Test
    void nothingChangedMeansNoWrites() {
        var first = SliceReconciler.reconcile(META, desired(eps(0, 3)), List.of(), 100, true);
        var existing = List.of(stored(first.create().getFirst(), "kubia-abcde"));
        assertThat(SliceReconciler.reconcile(META, desired(eps(0, 3)), existing, 100, true).isEmpty()).isTrue();
    }

    @Test
    void aChangedEndpointRewritesOnlyItsSlice() {
        var first = SliceReconciler.reconcile(META, desired(eps(0, 150)), List.of(), 100, true);
        var existing = List.of(stored(first.create().get(0), "a"), stored(first.create().get(1), "b"));
        List<Endpoint> want = new ArrayList<>(eps(0, 150));
        want.set(120, ep(120, false));
        var plan = SliceReconciler.reconcile(META, desired(want), existing, 100, true);
        assertThat(plan.create()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.update()).singleElement().satisfies(s -> {
            assertThat(s.getMetadata().getName()).isEqualTo("b");
            assertThat(s.getEndpoints()).hasSize(50);
            assertThat(s.getEndpoints().get(20).getConditions().getReady()).isFalse();
        });
    }

    @Test
    void newEndpointsFillARewrittenSliceBeforeNewOnesAreMade() {
        var first = SliceReconciler.reconcile(META, desired(eps(0, 10)), List.of(), 100, true);
        var existing = List.of(stored(first.create().getFirst(), "a"));
        List<Endpoint> want = new ArrayList<>(eps(1, 10));
        want.addAll(eps(50, 55));
        var plan = SliceReconciler.reconcile(META, desired(want), existing, 100, true);
        assertThat(plan.create()).isEmpty();
        assertThat(plan.update()).singleElement().satisfies(s -> assertThat(s.getEndpoints()).hasSize(14));
    }

    @Test
    void aSliceLeftWithoutEndpointsIsDeletedAndAnEmptyServiceKeepsOnePlaceholder() {
        var first = SliceReconciler.reconcile(META, desired(eps(0, 3)), List.of(), 100, true);
        var existing = List.of(stored(first.create().getFirst(), "a"));
        var plan = SliceReconciler.reconcile(META, List.of(), existing, 100, true);
        assertThat(plan.delete()).extracting(s -> s.getMetadata().getName()).containsExactly("a");
        assertThat(plan.create()).singleElement().satisfies(s -> {
            assertThat(s.getEndpoints()).isNullOrEmpty();
            assertThat(s.getPorts()).isNullOrEmpty();
        });
        // the placeholder, once stored, stays as it is
        var placeholder = List.of(stored(plan.create().getFirst(), "p"));
        assertThat(SliceReconciler.reconcile(META, List.of(), placeholder, 100, true).isEmpty()).isTrue();
        // and goes when endpoints come
        var next = SliceReconciler.reconcile(META, desired(eps(0, 1)), placeholder, 100, true);
        assertThat(next.delete()).hasSize(1);
        assertThat(next.create()).singleElement().satisfies(s -> assertThat(s.getEndpoints()).hasSize(1));
        // without placeholders (mirroring) nothing is made
        assertThat(SliceReconciler.reconcile(META, List.of(), List.of(), 100, false).isEmpty()).isTrue();
    }

    @Test
    void slicesOfPortsNoLongerServedAreReplaced() {
        var first = SliceReconciler.reconcile(META, desired(eps(0, 2)), List.of(), 100, true);
        var existing = List.of(stored(first.create().getFirst(), "a"));
        List<EndpointPort> other = List.of(new EndpointPortBuilder().withName("http").withPort(80).withProtocol("TCP").build());
        var plan = SliceReconciler.reconcile(META, List.of(new SliceReconciler.Desired(other, eps(0, 2))), existing, 100, true);
        assertThat(plan.delete()).hasSize(1);
        assertThat(plan.create()).singleElement().satisfies(s -> assertThat(s.getPorts()).isEqualTo(other));
    }

    @Test
    void driftedLabelsAreRestored() {
        var first = SliceReconciler.reconcile(META, desired(eps(0, 2)), List.of(), 100, true);
        EndpointSlice s = stored(first.create().getFirst(), "a");
        s.getMetadata().getLabels().put("team", "b");
        var plan = SliceReconciler.reconcile(META, desired(eps(0, 2)), List.of(s), 100, true);
        assertThat(plan.update()).singleElement().satisfies(u -> {
            assertThat(u.getMetadata().getLabels()).containsEntry("team", "a");
            assertThat(u.getMetadata().getName()).isEqualTo("a");
            assertThat(u.getMetadata().getResourceVersion()).isEqualTo("1");
        });
    }
}
