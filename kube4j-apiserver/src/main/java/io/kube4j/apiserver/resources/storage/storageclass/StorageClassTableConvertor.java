package io.kube4j.apiserver.resources.storage.storageclass;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * StorageClass rows: the name with " (default)" for the default class, PROVISIONER,
 * RECLAIMPOLICY, VOLUMEBINDINGMODE, ALLOWVOLUMEEXPANSION. Stateless and thread-safe.
 */
public final class StorageClassTableConvertor implements TableConvertor {
    private static final String DEFAULT_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
    private static final String BETA_DEFAULT_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class";
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Provisioner"),
            Column.string("ReclaimPolicy"),
            Column.string("VolumeBindingMode"),
            Column.string("AllowVolumeExpansion"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode sc, Instant now) {
        String name = text(sc, "metadata", "name");
        if ("true".equals(text(sc, "metadata", "annotations", DEFAULT_ANNOTATION))
                || "true".equals(text(sc, "metadata", "annotations", BETA_DEFAULT_ANNOTATION))) {
            name += " (default)";
        }
        return List.of(name, text(sc, "provisioner"), CellFormat.textOr("Delete", sc, "reclaimPolicy"),
                CellFormat.textOr("Immediate", sc, "volumeBindingMode"), CellFormat.bool(sc, "allowVolumeExpansion"),
                CellFormat.age(sc, now));
    }
}
