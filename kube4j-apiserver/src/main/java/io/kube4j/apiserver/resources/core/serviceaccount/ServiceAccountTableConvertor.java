package io.kube4j.apiserver.resources.core.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apiserver.printers.CellFormat;
import io.kube4j.apiserver.printers.Column;
import io.kube4j.apiserver.printers.TableConvertor;

import java.time.Instant;
import java.util.List;

/** ServiceAccount rows: SECRETS counts the referenced secrets. Stateless and thread-safe. */
public final class ServiceAccountTableConvertor implements TableConvertor {
    private static final List<Column> COLUMNS = List.of(Column.nameColumn(),
            Column.string("Secrets", "Secrets is a list of the secrets in the same namespace that pods running "
                    + "using this ServiceAccount are allowed to use. Pods are only limited to this list if this "
                    + "service account has a \"kubernetes.io/enforce-mountable-secrets\" annotation set to "
                    + "\"true\". The \"kubernetes.io/enforce-mountable-secrets\" annotation is deprecated since "
                    + "v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should "
                    + "not be used to find auto-generated service account token secrets for use outside of pods. "
                    + "Instead, tokens can be requested directly using the TokenRequest API, or service account "
                    + "token secrets can be manually created. More info: "
                    + "https://kubernetes.io/docs/concepts/configuration/secret"),
            Column.ageColumn());

    @Override
    public List<Column> columns() {
        return COLUMNS;
    }

    @Override
    public List<Object> cells(ObjectNode sa, Instant now) {
        return List.of(CellFormat.text(sa, "metadata", "name"), (long) CellFormat.size(sa, "secrets"),
                CellFormat.age(sa, now));
    }
}
