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
 * RoleBinding and ClusterRoleBinding rows: ROLE ({@code Kind/name}); wide: USERS, GROUPS,
 * SERVICEACCOUNTS. Stateless and thread-safe.
 */
public final class RoleBindingTableConvertor implements TableConvertor {
    private final List<Column> columns = List.of(Column.nameColumn(), Column.string("Role"), Column.ageColumn(),
            Column.string("Users").wide(), Column.string("Groups").wide(), Column.string("ServiceAccounts").wide());

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
