package io.gatekit.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.gatekit.jsonrpc.ErrorCode;
import io.gatekit.jsonrpc.GatewayException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Cursors alone: what round-trips, and that everything not minted here for this list is -32602. */
class CursorsTest {
    private final Cursors cursors = new Cursors();

    @Test
    void aCursorReadsBackAsThePositionItWasMintedFor() {
        Cursors.Position position = new Cursors.Position(ListKind.RESOURCES, 42, 1000);
        assertThat(cursors.decode(cursors.encode(position), ListKind.RESOURCES)).isEqualTo(position);
    }

    @Test
    void aCursorIsOpaqueToTheClient() {
        String cursor = cursors.encode(new Cursors.Position(ListKind.TOOLS, 7, 1000));
        assertThat(cursor).matches("[A-Za-z0-9_-]+"); // URL-safe, no padding
    }

    @Test
    void aCursorOfAnotherListIsRefused() {
        String toolsCursor = cursors.encode(new Cursors.Position(ListKind.TOOLS, 1, 10));
        assertInvalid(toolsCursor, ListKind.PROMPTS);
    }

    @Test
    void aCursorFromAnotherGatewayIsRefused() {
        String foreign = new Cursors().encode(new Cursors.Position(ListKind.TOOLS, 1, 10));
        assertInvalid(foreign, ListKind.TOOLS);
    }

    @Test
    void aTamperedCursorIsRefused() {
        String cursor = cursors.encode(new Cursors.Position(ListKind.TOOLS, 1, 10));
        byte[] token = Base64.getUrlDecoder().decode(cursor);
        token[token.length - 1 - 16] ^= 1; // the last byte of the body: the offset
        assertInvalid(Base64.getUrlEncoder().withoutPadding().encodeToString(token), ListKind.TOOLS);
    }

    @Test
    void garbageIsRefusedNotThrownAsSomethingElse() {
        for (String garbage : new String[] {"", "!!!", "abc", "AAAAAAAAAAAAAAAAAAAAAA", "a b", "%%%%"}) {
            assertInvalid(garbage, ListKind.TOOLS);
        }
    }

    @Test
    void aNegativeOffsetIsRefusedEvenWithAGoodMac() {
        assertInvalid(cursors.encode(new Cursors.Position(ListKind.TOOLS, 1, -1)), ListKind.TOOLS);
    }

    @Test
    void aStaleCursorStillDecodes_theListCacheIsWhatRefusesItsVersion() {
        ListCache cache = new ListCache();
        ListCache.Snapshot first = cache.get(ListKind.TOOLS, ListCacheTest::completeList);
        Cursors.Position position = cursors.decode(
                cursors.encode(new Cursors.Position(ListKind.TOOLS, first.version(), 1)), ListKind.TOOLS);
        cache.invalidate(ListKind.TOOLS);
        cache.get(ListKind.TOOLS, ListCacheTest::completeList);
        assertThat(cache.forCursor(ListKind.TOOLS, position.version())).isNull();
    }

    private void assertInvalid(String cursor, ListKind kind) {
        GatewayException refused = catchThrowableOfType(GatewayException.class, () -> cursors.decode(cursor, kind));
        assertThat(refused).as("cursor %s", cursor).isNotNull();
        assertThat(refused.error().code()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
        assertThat(refused.error().message()).contains(kind.method);
    }
}
