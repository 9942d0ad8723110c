package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resource quantities ({@code 500m}, {@code 1Gi}, {@code 2e3}) parsed to exact decimals for
 * comparisons. Values are compared, never re-printed: messages show the text the client sent.
 * Stateless and thread-safe.
 */
public final class Quantity {
    private static final Pattern FORMAT = Pattern.compile("^([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");
    private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")));

    /** Upstream's parse error, returned when a quantity does not parse. */
    public static final String FORMAT_ERROR = "quantities must match the regular expression "
            + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    private Quantity() {
    }

    /** The value of a quantity given as JSON text or number, or null when it does not parse. */
    public static BigDecimal parse(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        return parse(node.asText());
    }

    public static BigDecimal parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        BigDecimal base = new BigDecimal(m.group(1).startsWith(".") || m.group(1).startsWith("-.") || m.group(1).startsWith("+.")
                ? m.group(1).replace(".", "0.") : m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
        String suffix = m.group(2);
        if (suffix == null) {
            return base;
        }
        if (suffix.startsWith("e") || suffix.startsWith("E")) {
            return base.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        }
        return base.multiply(SUFFIX.get(suffix));
    }

    /** The text of a quantity as the client sent it, for messages. */
    public static String text(JsonNode node) {
        return node == null ? "" : node.asText();
    }
}
