package io.gatekit.scaleout;

import io.gatekit.session.ClientInfo;
import io.gatekit.session.Principal;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Session ids that carry their session: a {@link SessionSnapshot} sealed with AES-256-GCM, so that any instance
 * holding the keys can serve a session's next request and nobody else can read or forge one. Layout, then
 * URL-safe base64 without padding (visible ASCII, as {@code Mcp-Session-Id} requires):
 *
 * <pre>version (1) | key id (4) | nonce (12) | ciphertext of [issued-at seconds (8) | JSON] | tag (16)</pre>
 *
 * The version and key id are authenticated as associated data. Nonces are random (96 bits from a
 * {@link SecureRandom}); tokens are only sealed at {@code initialize}, far below the 2^32 tokens per key that
 * random GCM nonces allow. Anything that does not open (tampered, foreign, another deployment's, a retired key,
 * expired) is {@link Optional#empty()}: the caller answers 404, as for an unknown session.
 *
 * <p>Thread-safe: a {@link Cipher} is made per call (cheap next to the AES work; a shared one would need a lock).
 */
public final class SessionTokens {
    private static final byte VERSION = 1;
    private static final int HEADER = 1 + 4;
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    /** Far above any real snapshot; refuses oversized input before any decoding. */
    private static final int MAX_TOKEN_CHARS = 8192;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final TypeReference<Map<String, Object>> CLAIMS = new TypeReference<>() {};

    private final SessionKeys keys;
    private final Duration maxAge;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SessionTokens(SessionKeys keys, Duration maxAge, Clock clock) {
        this.keys = keys;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The token for {@code snapshot}, sealed with the current key. */
    public String seal(SessionSnapshot snapshot) {
        ObjectNode body = NODES.objectNode();
        body.put("sub", snapshot.principal().subject());
        if (!snapshot.principal().claims().isEmpty()) {
            body.set("claims", JSON.valueToTree(snapshot.principal().claims()));
        }
        body.put("v", snapshot.info().protocolVersion());
        body.set("cap", snapshot.info().capabilities());
        body.set("ci", snapshot.info().clientInfo());
        if (snapshot.logLevel() != null) {
            body.put("lvl", snapshot.logLevel());
        }
        byte[] json = JSON.writeValueAsBytes(body);
        SessionKeys.Key key = keys.sealing();
        byte[] out = new byte[HEADER + NONCE + 8 + json.length + TAG_BITS / 8];
        ByteBuffer header = ByteBuffer.wrap(out);
        header.put(VERSION).putInt(key.id());
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        header.put(nonce);
        byte[] plain = ByteBuffer.allocate(8 + json.length).putLong(snapshot.issuedAt().getEpochSecond()).put(json).array();
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(out, 0, HEADER);
            cipher.doFinal(plain, 0, plain.length, out, HEADER + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed to seal a session token", e);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /** The snapshot {@code token} carries, or empty if it does not open with a current key or has expired. */
    public Optional<SessionSnapshot> open(String token) {
        if (token.length() > MAX_TOKEN_CHARS || token.length() < 40) {
            return Optional.empty();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length < HEADER + NONCE + 8 + TAG_BITS / 8 || raw[0] != VERSION) {
            return Optional.empty();
        }
        SessionKeys.Key key = keys.opening(ByteBuffer.wrap(raw, 1, 4).getInt());
        if (key == null) {
            return Optional.empty();
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, raw, HEADER, NONCE));
            cipher.updateAAD(raw, 0, HEADER);
            plain = cipher.doFinal(raw, HEADER + NONCE, raw.length - HEADER - NONCE);
        } catch (GeneralSecurityException e) {
            return Optional.empty(); // tampered, or sealed by someone else
        }
        Instant issued = Instant.ofEpochSecond(ByteBuffer.wrap(plain, 0, 8).getLong());
        if (issued.plus(maxAge).isBefore(clock.instant())) {
            return Optional.empty();
        }
        try {
            JsonNode body = JSON.readTree(plain, 8, plain.length - 8);
            Map<String, Object> claims = body.has("claims") ? JSON.treeToValue(body.get("claims"), CLAIMS) : Map.of();
            ClientInfo info = new ClientInfo(body.path("v").asString(null), objectOrEmpty(body.get("cap")),
                    objectOrEmpty(body.get("ci")));
            return Optional.of(new SessionSnapshot(new Principal(body.path("sub").asString(""), claims), info,
                    body.path("lvl").asString(null), issued));
        } catch (JacksonException | IllegalArgumentException e) {
            // Authentic but unreadable: only a gateway of another version could have sealed it.
            return Optional.empty();
        }
    }

    private static JsonNode objectOrEmpty(JsonNode node) {
        return node instanceof ObjectNode ? node : NODES.objectNode();
    }
}
