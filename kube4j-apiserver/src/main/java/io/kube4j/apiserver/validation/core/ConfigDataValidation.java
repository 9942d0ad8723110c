package io.kube4j.apiserver.validation.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apimachinery.validation.FieldError;
import io.kube4j.apimachinery.validation.FieldPath;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Upstream's ValidateSecret, ValidateConfigMap and their update rules on JSON trees. Secret
 * {@code data} and ConfigMap {@code binaryData} values are base64 text here, as stored. Callers:
 * the secret and configmap strategies. Stateless; never throws.
 */
public final class ConfigDataValidation {
    /** Upstream's MaxSecretSize, also the ConfigMap limit. */
    public static final int MAX_SIZE = 1024 * 1024;
    public static final String IMMUTABLE_SET = "field is immutable when `immutable` is set";

    private ConfigDataValidation() {
    }

    /**
     * The index upstream's base64 decoder reports for {@code value}, or -1 when it decodes. Go
     * reports the first byte that is not in the alphabet, or where an incomplete group starts.
     */
    public static int illegalBase64At(String value) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int len = value.length();
        int pad = 0;
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                continue;
            }
            if (c == '=') {
                pad++;
                continue;
            }
            if (pad > 0 || alphabet.indexOf(c) < 0) {
                return i;
            }
        }
        try {
            Base64.getMimeDecoder().decode(value);
            if ((len - countNewlines(value)) % 4 != 0) {
                return len - ((len - countNewlines(value)) % 4);
            }
            return -1;
        } catch (IllegalArgumentException e) {
            return Math.max(0, len - ((len % 4 == 0) ? 4 : len % 4));
        }
    }

    private static int countNewlines(String s) {
        int n = 0;
        for (char c : s.toCharArray()) {
            if (c == '\r' || c == '\n') {
                n++;
            }
        }
        return n;
    }

    static int decodedLength(JsonNode value) {
        try {
            return Base64.getMimeDecoder().decode(value.asText()).length;
        } catch (IllegalArgumentException e) {
            return value.asText().length();
        }
    }

    public static List<FieldError> validateSecret(JsonNode secret) {
        List<FieldError> errs = new ArrayList<>();
        FieldPath dataPath = FieldPath.root("data");
        JsonNode data = secret.path("data");
        long total = 0;
        for (var it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String m : ValueFormats.isConfigMapKey(e.getKey())) {
                errs.add(FieldError.invalid(dataPath.key(e.getKey()), e.getKey(), m));
            }
            total += decodedLength(e.getValue());
        }
        if (total > MAX_SIZE) {
            errs.add(FieldError.tooLong(dataPath, "", MAX_SIZE));
        }
        String type = text(secret, "type");
        switch (type) {
            case "kubernetes.io/service-account-token" -> {
                String sa = Json.text(Json.at(secret, "metadata", "annotations"), "kubernetes.io/service-account.name");
                if (sa == null || sa.isEmpty()) {
                    errs.add(FieldError.required(FieldPath.of("metadata", "annotations").key("kubernetes.io/service-account.name"), ""));
                }
            }
            case "kubernetes.io/dockercfg" -> errs.addAll(jsonKey(data, ".dockercfg", dataPath));
            case "kubernetes.io/dockerconfigjson" -> errs.addAll(jsonKey(data, ".dockerconfigjson", dataPath));
            case "kubernetes.io/basic-auth" -> {
                if (!data.has("username") && !data.has("password")) {
                    errs.add(FieldError.required(dataPath.key("username"), ""));
                    errs.add(FieldError.required(dataPath.key("password"), ""));
                }
            }
            case "kubernetes.io/ssh-auth" -> {
                if (!data.has("ssh-privatekey") || decodedLength(data.get("ssh-privatekey")) == 0) {
                    errs.add(FieldError.required(dataPath.key("ssh-privatekey"), ""));
                }
            }
            case "kubernetes.io/tls" -> {
                if (!data.has("tls.crt")) {
                    errs.add(FieldError.required(dataPath.key("tls.crt"), ""));
                }
                if (!data.has("tls.key")) {
                    errs.add(FieldError.required(dataPath.key("tls.key"), ""));
                }
            }
            default -> {
            }
        }
        return errs;
    }

    private static List<FieldError> jsonKey(JsonNode data, String key, FieldPath dataPath) {
        JsonNode v = data.get(key);
        if (v == null) {
            return List.of(FieldError.required(dataPath.key(key), ""));
        }
        try {
            JsonNode parsed = Json.parse(new String(Base64.getMimeDecoder().decode(v.asText()), StandardCharsets.UTF_8));
            if (!parsed.isObject()) {
                return List.of(FieldError.invalid(dataPath.key(key), "<secret contents redacted>",
                        "json: cannot unmarshal " + goJsonType(parsed) + " into Go value of type map[string]interface {}"));
            }
            return List.of();
        } catch (RuntimeException e) {
            return List.of(FieldError.invalid(dataPath.key(key), "<secret contents redacted>", "unexpected end of JSON input"));
        }
    }

    private static String goJsonType(JsonNode n) {
        if (n.isArray()) {
            return "array";
        }
        if (n.isTextual()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        if (n.isBoolean()) {
            return "bool";
        }
        return "null";
    }

    public static List<FieldError> validateSecretUpdate(JsonNode secret, JsonNode old) {
        List<FieldError> errs = new ArrayList<>();
        String type = text(secret, "type");
        String oldType = text(old, "type");
        if (!type.equals(oldType)) {
            errs.add(FieldError.invalid(FieldPath.root("type"), type, ValueFormats.IMMUTABLE));
        }
        errs.addAll(immutableData(secret, old, List.of("data")));
        errs.addAll(validateSecret(secret));
        return errs;
    }

    private static List<FieldError> immutableData(JsonNode obj, JsonNode old, List<String> fields) {
        List<FieldError> errs = new ArrayList<>();
        if (old.path("immutable").asBoolean(false)) {
            if (!obj.path("immutable").asBoolean(false)) {
                errs.add(FieldError.forbidden(FieldPath.root("immutable"), IMMUTABLE_SET));
            }
            for (String f : fields) {
                if (!Objects.equals(emptyAsNull(obj.get(f)), emptyAsNull(old.get(f)))) {
                    errs.add(FieldError.forbidden(FieldPath.root(f), IMMUTABLE_SET));
                }
            }
        }
        return errs;
    }

    private static JsonNode emptyAsNull(JsonNode n) {
        return n == null || n.isNull() || (n.isObject() && n.isEmpty()) ? null : n;
    }

    public static List<FieldError> validateConfigMap(JsonNode cm) {
        List<FieldError> errs = new ArrayList<>();
        long total = 0;
        JsonNode binary = cm.path("binaryData");
        for (var it = cm.path("data").fields(); it.hasNext(); ) {
            var e = it.next();
            FieldPath p = FieldPath.root("data").key(e.getKey());
            for (String m : ValueFormats.isConfigMapKey(e.getKey())) {
                errs.add(FieldError.invalid(p, e.getKey(), m));
            }
            if (binary.has(e.getKey())) {
                errs.add(FieldError.invalid(p, e.getKey(), "duplicate of key present in binaryData"));
            }
            total += e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
        }
        for (var it = binary.fields(); it.hasNext(); ) {
            var e = it.next();
            for (String m : ValueFormats.isConfigMapKey(e.getKey())) {
                errs.add(FieldError.invalid(FieldPath.root("binaryData").key(e.getKey()), e.getKey(), m));
            }
            total += decodedLength(e.getValue());
        }
        if (total > MAX_SIZE) {
            errs.add(FieldError.tooLong(FieldPath.root(""), "", MAX_SIZE));
        }
        return errs;
    }

    public static List<FieldError> validateConfigMapUpdate(JsonNode cm, JsonNode old) {
        List<FieldError> errs = new ArrayList<>(immutableData(cm, old, List.of("data", "binaryData")));
        errs.addAll(validateConfigMap(cm));
        return errs;
    }

    static String text(JsonNode node, String field) {
        return Objects.requireNonNullElse(Json.text(node, field), "");
    }
}
