package io.kube4j.apiserver.resources;

import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.printers.TableFixtures;
import io.kube4j.apiserver.registry.DefaultTableConvertor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TablesTest {
    @Test
    void everyTableBelongsToACatalogueResource() {
        Set<String> catalogue = BuiltinResources.definitions().stream()
                .map(d -> d.info().group() + "/" + d.info().resource()).collect(Collectors.toSet());
        assertThat(catalogue).containsAll(Tables.all().keySet());
    }

    @Test
    void onlyResourcesUpstreamPrintsByDefaultUseTheDefaultTable() {
        Set<String> defaults = BuiltinResources.definitions().stream()
                .filter(d -> d.table() instanceof DefaultTableConvertor)
                .map(d -> d.info().group() + "/" + d.info().resource()).collect(Collectors.toSet());
        assertThat(defaults).containsExactlyInAnyOrder("/limitranges", "rbac.authorization.k8s.io/roles",
                "rbac.authorization.k8s.io/clusterroles", "apiextensions.k8s.io/customresourcedefinitions",
                // reviews are never listed: upstream has no printer for them either
                "authentication.k8s.io/selfsubjectreviews", "authorization.k8s.io/selfsubjectaccessreviews");
    }

    @Test
    void everyTableRendersANearlyEmptyObject() {
        for (Map.Entry<String, TableConvertor> e : Tables.all().entrySet()) {
            TableConvertor tc = e.getValue();
            List<Object> cells = tc.cells(TableFixtures.yaml(
                    "metadata: {name: x, creationTimestamp: '2025-01-01T11:00:00Z'}"), TableFixtures.NOW);
            assertThat(cells).as(e.getKey()).hasSameSizeAs(tc.columns()).doesNotContainNull();
            assertThat(tc.columns().get(0).name()).as(e.getKey()).isIn("Name", "Last Seen");
            for (int i = 0; i < cells.size(); i++) {
                Object cell = cells.get(i);
                assertThat(cell).as(e.getKey() + " " + tc.columns().get(i).name())
                        .isInstanceOfAny(String.class, Long.class, Boolean.class);
            }
        }
    }
}
