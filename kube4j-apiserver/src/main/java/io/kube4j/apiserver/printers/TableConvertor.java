package io.kube4j.apiserver.printers;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * Turns objects of one resource into Table rows with upstream's columns. Stateless and
 * thread-safe; called by the API endpoints for {@code Accept: application/json;as=Table}.
 */
public interface TableConvertor {
    List<Column> columns();

    /** The cells of one row, in column order: String, Long, Integer, Boolean or Double values. */
    List<Object> cells(ObjectNode obj, Instant now);
}
