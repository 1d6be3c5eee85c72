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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
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
 * The version and key id are authenticated as associated data. A nonce is a 96-bit random base drawn once
 * per process with its low 64 bits XORed with a counter: unique within the process by construction, and across
 * processes as unlikely to meet as two random 96-bit values (GCM's one hard rule: never a nonce twice under a
 * key), without a {@link SecureRandom} call per token. Anything that does not open (tampered, foreign, another
 * deployment's, a retired key, expired) is {@link Optional#empty()}: the caller answers 404, as for an unknown
 * session.
 *
 * <p>Thread-safe. {@link Cipher} objects are not, and looking one up costs more than the AES work, so finished
 * ones wait in a lock-free pool for the next call (as many as ever ran at once).
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
    private final byte[] nonceBase = new byte[NONCE];
    private final AtomicLong nonceCounter = new AtomicLong();
    private final ConcurrentLinkedQueue<Cipher> ciphers = new ConcurrentLinkedQueue<>();

    public SessionTokens(SessionKeys keys, Duration maxAge, Clock clock) {
        this.keys = keys;
        this.maxAge = maxAge;
        this.clock = clock;
        new SecureRandom().nextBytes(nonceBase);
    }

    private Cipher cipher() throws GeneralSecurityException {
        Cipher pooled = ciphers.poll();
        return pooled != null ? pooled : Cipher.getInstance("AES/GCM/NoPadding");
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
        byte[] nonce = nonceBase.clone();
        long count = nonceCounter.incrementAndGet();
        for (int i = 0; i < 8; i++) {
            nonce[NONCE - 1 - i] ^= (byte) (count >>> (8 * i));
        }
        header.put(nonce);
        byte[] plain = ByteBuffer.allocate(8 + json.length).putLong(snapshot.issuedAt().getEpochSecond()).put(json).array();
        try {
            Cipher cipher = cipher();
            cipher.init(Cipher.ENCRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(out, 0, HEADER);
            cipher.doFinal(plain, 0, plain.length, out, HEADER + NONCE);
            ciphers.offer(cipher);
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
            Cipher cipher = cipher();
            cipher.init(Cipher.DECRYPT_MODE, key.secret(), new GCMParameterSpec(TAG_BITS, raw, HEADER, NONCE));
            cipher.updateAAD(raw, 0, HEADER);
            plain = cipher.doFinal(raw, HEADER + NONCE, raw.length - HEADER - NONCE);
            ciphers.offer(cipher); // a failed open leaves the cipher to the garbage collector: it may be mid-state
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
