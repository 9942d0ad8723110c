package io.kube4j.apiserver.resources.rbac.rolebinding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * RoleBinding rows: ROLE ({@code Kind/name}); wide: USERS, GROUPS, SERVICEACCOUNTS. Also renders
 * ClusterRoleBindings, which differ only in descriptions. Stateless and thread-safe.
 */
public final class RoleBindingTableConvertor implements TableConvertor {
    private final List<Column> columns;

    /** @param noun "roleBinding" or "clusterRoleBinding", as in upstream's column descriptions */
    public RoleBindingTableConvertor(String noun, String roleRefDescription) {
        this.columns = List.of(Column.nameColumn(), Column.string("Role", roleRefDescription), Column.ageColumn(),
                Column.string("Users", "The users column.").wide(),
                Column.string("Groups", "The groups column.").wide(),
                Column.string("ServiceAccounts", "The serviceaccounts column.").wide());
    }

    public RoleBindingTableConvertor() {
        this("roleBinding", "The role column.");
    }

    @Override
    public List<Column> columns() {
        return columns;
    }

    @Override
    public List<Object> cells(ObjectNode binding, Instant now) {
        List<String> users = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<String> serviceAccounts = new ArrayList<>();
        for (JsonNode s : CellFormat.list(binding, "subjects")) {
            String name = text(s, "name");
            switch (text(s, "kind")) {
                case "ServiceAccount" -> {
                    String ns = text(s, "namespace");
                    serviceAccounts.add(ns.isEmpty() ? name : ns + "/" + name);
                }
                case "User" -> users.add(name);
                case "Group" -> groups.add(name);
                default -> {
                }
            }
        }
        String roleRef = text(binding, "roleRef", "kind") + "/" + text(binding, "roleRef", "name");
        return List.of(text(binding, "metadata", "name"), roleRef, CellFormat.age(binding, now),
                String.join(", ", users), String.join(", ", groups), String.join(", ", serviceAccounts));
    }
}
