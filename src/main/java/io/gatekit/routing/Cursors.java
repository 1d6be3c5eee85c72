package io.gatekit.routing;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;

/**
 * Opaque cursors for the gateway's merged list pages: kind, list version and offset, authenticated with an
 * HMAC under a key that lives only in this gateway process. A cursor from elsewhere (or tampered with) fails the
 * MAC; a cursor of an older version of the list is stale. Both are -32602, as the spec asks for invalid cursors.
 */
final class Cursors {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int MAC_BYTES = 16;

    private final Secrets.Key key = new Secrets.Key();

    /** A position in a list: which list, which version of it, and the index of the next item. */
    record Position(ListKind kind, long version, int offset) {}

    Cursors() {}

    String encode(Position position) {
        byte[] body = (position.kind().name() + ":" + position.version() + ":" + position.offset())
                .getBytes(StandardCharsets.US_ASCII);
        byte[] mac = mac(body);
        byte[] token = Arrays.copyOf(body, body.length + MAC_BYTES);
        System.arraycopy(mac, 0, token, body.length, MAC_BYTES);
        return ENCODER.encodeToString(token);
    }

    /** Reads a cursor the client sent for {@code kind}; throws -32602 for foreign, tampered or wrong-kind ones. */
    Position decode(String cursor, ListKind kind) {
        try {
            byte[] token = DECODER.decode(cursor);
            if (token.length <= MAC_BYTES) {
                throw invalid(kind);
            }
            byte[] body = Arrays.copyOf(token, token.length - MAC_BYTES);
            byte[] mac = Arrays.copyOfRange(token, token.length - MAC_BYTES, token.length);
            if (!MessageDigest.isEqual(mac, Arrays.copyOf(mac(body), MAC_BYTES))) {
                throw invalid(kind);
            }
            String[] parts = new String(body, StandardCharsets.US_ASCII).split(":", -1);
            Position position = new Position(ListKind.valueOf(parts[0]),
                    Long.parseLong(parts[1]), Integer.parseInt(parts[2]));
            if (position.kind() != kind || position.offset() < 0) {
                throw invalid(kind);
            }
            return position;
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw invalid(kind);
        }
    }

    private static GatewayException invalid(ListKind kind) {
        return new GatewayException(ErrorCode.INVALID_PARAMS,
                "Invalid cursor for " + kind.method + ": it was not issued by this gateway for this list");
    }

    private byte[] mac(byte[] body) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key.get());
            return hmac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
