package io.kube4j.apiserver.resources.core.persistentvolumeclaim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;
import io.kube4j.apiserver.resources.core.persistentvolume.PersistentVolumeTableConvertor;

import java.time.Instant;
import java.util.List;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * PersistentVolumeClaim rows: STATUS, VOLUME, and, once bound, CAPACITY and ACCESS MODES;
 * STORAGECLASS, VOLUMEATTRIBUTESCLASS; wide: VOLUMEMODE. Stateless and thread-safe.
 */
public final class PersistentVolumeClaimTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Status"),
            Column.string("Volume"),
            Column.string("Capacity"),
            Column.string("Access Modes"),
            Column.string("StorageClass"),
            Column.string("VolumeAttributesClass"),
            Column.ageColumn(),
            Column.string("VolumeMode").wide());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode pvc, Instant now) {
        JsonNode spec = at(pvc, "spec");
        String phase = at(pvc, "metadata", "deletionTimestamp") != null ? "Terminating"
                : CellFormat.textOr("Pending", pvc, "status", "phase");
        String volumeName = text(spec, "volumeName");
        String capacity = "";
        String accessModes = "";
        if (!volumeName.isEmpty()) {
            accessModes = PersistentVolumeTableConvertor.accessModes(at(pvc, "status", "accessModes"));
            capacity = CellFormat.quantity(at(pvc, "status", "capacity", "storage"));
        }
        String storageClass = text(pvc, "metadata", "annotations", PersistentVolumeTableConvertor.BETA_CLASS_ANNOTATION);
        if (at(pvc, "metadata", "annotations", PersistentVolumeTableConvertor.BETA_CLASS_ANNOTATION) == null) {
            storageClass = text(spec, "storageClassName");
        }
        return List.of(text(pvc, "metadata", "name"), phase, volumeName, capacity, accessModes, storageClass,
                CellFormat.textOr(CellFormat.UNSET, spec, "volumeAttributesClassName"), CellFormat.age(pvc, now),
                CellFormat.textOr("Filesystem", spec, "volumeMode"));
    }
}
