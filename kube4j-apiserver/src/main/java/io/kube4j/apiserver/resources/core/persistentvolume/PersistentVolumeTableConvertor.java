package io.kube4j.apiserver.resources.core.persistentvolume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.kube4j.apiserver.printers.CellFormat.at;
import static io.kube4j.apiserver.printers.CellFormat.text;

/**
 * PersistentVolume rows: CAPACITY, ACCESS MODES (RWO,ROX,RWX,RWOP), RECLAIM POLICY, STATUS, CLAIM,
 * STORAGECLASS, VOLUMEATTRIBUTESCLASS, REASON; wide: VOLUMEMODE. Stateless and thread-safe.
 */
public final class PersistentVolumeTableConvertor implements TableConvertor {
    /** The deprecated annotation that, when present, names the storage class instead of the spec. */
    public static final String BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class";

    private static final List<Column> COLUMNS = List.of(
            Column.nameColumn(),
            Column.string("Capacity"),
            Column.string("Access Modes"),
            Column.string("Reclaim Policy"),
            Column.string("Status"),
            Column.string("Claim"),
            Column.string("StorageClass"),
            Column.string("VolumeAttributesClass"),
            Column.string("Reason"),
            Column.ageColumn(),
            Column.string("VolumeMode").wide());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode pv, Instant now) {
        JsonNode spec = at(pv, "spec");
        JsonNode claim = at(spec, "claimRef");
        String claimRef = claim == null ? "" : text(claim, "namespace") + "/" + text(claim, "name");
        String phase = at(pv, "metadata", "deletionTimestamp") != null ? "Terminating"
                : CellFormat.textOr("Pending", pv, "status", "phase");
        String storageClass = at(pv, "metadata", "annotations", BETA_CLASS_ANNOTATION) != null
                ? text(pv, "metadata", "annotations", BETA_CLASS_ANNOTATION) : text(spec, "storageClassName");
        return List.of(text(pv, "metadata", "name"), CellFormat.quantity(at(spec, "capacity", "storage")),
                accessModes(at(spec, "accessModes")),
                CellFormat.textOr("Retain", spec, "persistentVolumeReclaimPolicy"), phase, claimRef, storageClass,
                CellFormat.textOr(CellFormat.UNSET, spec, "volumeAttributesClassName"), text(pv, "status", "reason"),
                CellFormat.age(pv, now), CellFormat.textOr("Filesystem", spec, "volumeMode"));
    }

    /** Access modes abbreviated in upstream's fixed order, duplicates dropped. */
    public static String accessModes(JsonNode modes) {
        Set<String> have = new HashSet<>();
        if (modes != null && modes.isArray()) {
            modes.forEach(m -> have.add(m.asText()));
        }
        List<String> out = new ArrayList<>();
        if (have.contains("ReadWriteOnce")) {
            out.add("RWO");
        }
        if (have.contains("ReadOnlyMany")) {
            out.add("ROX");
        }
        if (have.contains("ReadWriteMany")) {
            out.add("RWX");
        }
        if (have.contains("ReadWriteOncePod")) {
            out.add("RWOP");
        }
        return String.join(",", out);
    }
}
