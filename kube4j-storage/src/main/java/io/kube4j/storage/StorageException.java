package io.kube4j.storage;

/** Failures a backend reports; the API layer turns each into the matching Status. */
public class StorageException extends RuntimeException {
    /**
     * What went wrong. UNAVAILABLE: the store could not be asked (closed, refused, no member). TIMEOUT: a request
     * went out and no answer came back in time, so a write may still be applied later; callers must not assume
     * it failed (the API server answers 504, as upstream does for a storage call past its deadline).
     */
    public enum Code { KEY_EXISTS, KEY_NOT_FOUND, CONFLICT, COMPACTED, UNAVAILABLE, TIMEOUT }

    private final Code code;
    private final String key;
    private final long revision;

    public StorageException(Code code, String key, long revision, String message) {
        super(message);
        this.code = code;
        this.key = key;
        this.revision = revision;
    }

    public static StorageException keyExists(String key) {
        return new StorageException(Code.KEY_EXISTS, key, 0, "key exists: " + key);
    }

    public static StorageException notFound(String key) {
        return new StorageException(Code.KEY_NOT_FOUND, key, 0, "key not found: " + key);
    }

    public static StorageException conflict(String key, long actual) {
        return new StorageException(Code.CONFLICT, key, actual, "revision mismatch on " + key + ", current " + actual);
    }

    public static StorageException compacted(long requested, long compacted) {
        return new StorageException(Code.COMPACTED, null, compacted,
                "required revision " + requested + " has been compacted (compacted at " + compacted + ")");
    }

    public Code code() {
        return code;
    }

    public String key() {
        return key;
    }

    /** For CONFLICT the key's current revision; for COMPACTED the compacted revision. */
    public long revision() {
        return revision;
    }
}
