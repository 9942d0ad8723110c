package io.kube4j.apimachinery.validation;

/** Field error kinds, with the words upstream prints for each and the cause type it reports. */
public enum ErrorType {
    NOT_FOUND("Not found", "FieldValueNotFound"),
    REQUIRED("Required value", "FieldValueRequired"),
    DUPLICATE("Duplicate value", "FieldValueDuplicate"),
    INVALID("Invalid value", "FieldValueInvalid"),
    NOT_SUPPORTED("Unsupported value", "FieldValueNotSupported"),
    FORBIDDEN("Forbidden", "FieldValueForbidden"),
    TOO_LONG("Too long", "FieldValueTooLong"),
    TOO_MANY("Too many", "FieldValueTooMany"),
    INTERNAL("Internal error", "InternalError"),
    TYPE_INVALID("Invalid value", "FieldValueTypeInvalid");

    private final String words;
    private final String causeType;

    ErrorType(String words, String causeType) {
        this.words = words;
        this.causeType = causeType;
    }

    public String words() {
        return words;
    }

    public String causeType() {
        return causeType;
    }
}
