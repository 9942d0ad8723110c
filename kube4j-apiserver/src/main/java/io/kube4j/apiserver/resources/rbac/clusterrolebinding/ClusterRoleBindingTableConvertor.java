package io.kube4j.apiserver.resources.rbac.clusterrolebinding;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.resources.rbac.rolebinding.RoleBindingTableConvertor;

import java.time.Instant;
import java.util.List;

/** ClusterRoleBinding rows: the RoleBinding layout with cluster descriptions. Stateless and thread-safe. */
public final class ClusterRoleBindingTableConvertor implements TableConvertor {
    private final RoleBindingTableConvertor layout = new RoleBindingTableConvertor("clusterRoleBinding",
            "The role column.");

    @Override
    public List<Column> columns() {
        return layout.columns();
    }

    @Override
    public List<Object> cells(ObjectNode binding, Instant now) {
        return layout.cells(binding, now);
    }
}
