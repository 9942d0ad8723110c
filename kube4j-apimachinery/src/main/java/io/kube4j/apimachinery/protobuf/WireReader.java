package io.kube4j.apimachinery.protobuf;

/**
 * Reads the protobuf wire format from a byte range: varints, fixed 32/64-bit values and length-delimited
 * runs. Kubernetes uses no zigzag types, so signed integers are plain (two's complement) varints.
 * Not thread-safe: one reader per message being decoded.
 */
final class WireReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int START_GROUP = 3;
    static final int END_GROUP = 4;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private int pos;
    private final int limit;

    WireReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new ProtobufException("length " + length + " at offset " + offset + " runs past the end of the data");
        }
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    WireReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    boolean atEnd() {
        return pos >= limit;
    }

    /** Reads a field key; returns {@code (number << 3) | wireType}. */
    int readTag() {
        long tag = readVarint();
        if (tag >>> 3 == 0 || tag > Integer.MAX_VALUE) {
            throw new ProtobufException("invalid field tag " + tag + " at offset " + pos);
        }
        return (int) tag;
    }

    long readVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw new ProtobufException("unexpected end of data inside a varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ProtobufException("varint longer than 10 bytes at offset " + pos);
    }

    long readFixed64() {
        require(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xffL);
        }
        pos += 8;
        return v;
    }

    int readFixed32() {
        require(4);
        int v = 0;
        for (int i = 3; i >= 0; i--) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 4;
        return v;
    }

    /** Reads a length prefix and returns a reader over the bytes it covers, moving past them. */
    WireReader readMessage() {
        int len = readLength();
        WireReader sub = new WireReader(buf, pos, len);
        pos += len;
        return sub;
    }

    byte[] readBytes() {
        int len = readLength();
        byte[] out = new byte[len];
        System.arraycopy(buf, pos, out, 0, len);
        pos += len;
        return out;
    }

    String readString() {
        int len = readLength();
        String s = new String(buf, pos, len, java.nio.charset.StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** Skips one value of the given wire type (the tag is already read). */
    void skip(int wireType, int fieldNumber) {
        switch (wireType) {
            case VARINT -> readVarint();
            case FIXED64 -> {
                require(8);
                pos += 8;
            }
            case LENGTH_DELIMITED -> {
                int len = readLength();
                pos += len;
            }
            case FIXED32 -> {
                require(4);
                pos += 4;
            }
            case START_GROUP -> {
                while (true) {
                    int tag = readTag();
                    if ((tag & 7) == END_GROUP) {
                        if (tag >>> 3 != fieldNumber) {
                            throw new ProtobufException("mismatched end of group " + (tag >>> 3));
                        }
                        return;
                    }
                    skip(tag & 7, tag >>> 3);
                }
            }
            default -> throw new ProtobufException("unknown wire type " + wireType + " for field " + fieldNumber);
        }
    }

    private int readLength() {
        long len = readVarint();
        if (len < 0 || len > limit - pos) {
            throw new ProtobufException("length " + len + " runs past the end of the data");
        }
        return (int) len;
    }

    private void require(int n) {
        if (limit - pos < n) {
            throw new ProtobufException("unexpected end of data");
        }
    }
}
