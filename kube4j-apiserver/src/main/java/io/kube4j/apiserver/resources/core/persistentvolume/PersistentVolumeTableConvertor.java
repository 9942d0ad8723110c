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
            Column.string("Capacity", "capacity is the description of the persistent volume's resources and "
                    + "capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity"),
            Column.string("Access Modes", "accessModes contains all ways the volume can be mounted. More info: "
                    + "https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes"),
            Column.string("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent "
                    + "volume when released from its claim. Valid options are Retain (default for manually "
                    + "created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), "
                    + "and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this "
                    + "PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes"
                    + "#reclaiming"),
            Column.string("Status", "phase indicates if a volume is available, bound to a claim, or released by "
                    + "a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase"),
            Column.string("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and "
                    + "PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the "
                    + "authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/"
                    + "storage/persistent-volumes#binding"),
            Column.string("StorageClass", "StorageClass of the pv"),
            Column.string("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
            Column.string("Reason", "reason is a brief CamelCase string that describes any failure and is meant "
                    + "for machine parsing and tidy display in the CLI."),
            Column.ageColumn(),
            Column.string("VolumeMode", "volumeMode defines if a volume is intended to be used with a formatted "
                    + "filesystem or to remain in raw block state. Value of Filesystem is implied when not "
                    + "included in spec.").wide());

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
