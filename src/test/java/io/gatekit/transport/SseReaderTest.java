package io.gatekit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The SSE reader alone: the WHATWG field rules MCP servers rely on, and the bounds a hostile peer meets. */
class SseReaderTest {

    private static SseReader reader(String stream, int maxEventBytes) {
        return new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), maxEventBytes);
    }

    @Test
    void anEventIsDispatchedAtTheBlankLineWithItsIdAndType() throws IOException {
        SseReader sse = reader("id: 7\nevent: message\ndata: {\"a\":1}\n\n", 1024);
        assertThat(sse.next()).isEqualTo(new SseReader.Event("7", "message", "{\"a\":1}"));
        assertThat(sse.next()).isNull();
    }

    @Test
    void dataLinesAreJoinedAndOnlyOneLeadingSpaceIsDropped() throws IOException {
        SseReader sse = reader("data:first\ndata:  second\ndata\n\n", 1024);
        assertThat(sse.next().data()).isEqualTo("first\n second\n");
    }

    @Test
    void crlfAndBareCrEndLinesToo() throws IOException {
        SseReader sse = reader("data: one\r\n\r\ndata: two\r\rdata: three\n\n", 1024);
        assertThat(sse.next().data()).isEqualTo("one");
        assertThat(sse.next().data()).isEqualTo("two");
        assertThat(sse.next().data()).isEqualTo("three");
    }

    @Test
    void commentsAndUnknownFieldsAreIgnoredAndAnEventWithoutDataIsNotDispatched() throws IOException {
        SseReader sse = reader(": keep-alive\n\nretry: 1000\nevent: ping\n\nfoo: bar\ndata: real\n\n", 1024);
        SseReader.Event event = sse.next();
        assertThat(event.data()).isEqualTo("real");
        assertThat(event.event()).as("the type of the data-less event does not leak into the next").isNull();
    }

    @Test
    void theLastIdPersistsAndAnIdWithNulIsIgnored() throws IOException {
        SseReader sse = reader("id: g-1\ndata: a\n\ndata: b\n\nid: bad\0id\ndata: c\n\n", 1024);
        assertThat(sse.next().id()).isEqualTo("g-1");
        assertThat(sse.next().id()).isEqualTo("g-1");
        assertThat(sse.next().id()).isEqualTo("g-1");
    }

    @Test
    void anEventCutOffByTheEndOfTheStreamIsNotDispatched() throws IOException {
        assertThat(reader("data: half", 1024).next()).isNull();
        assertThat(reader("data: half\n", 1024).next()).isNull();
    }

    @Test
    void aLineOverTheLimitIsRefused() {
        SseReader sse = reader(": " + "x".repeat(100) + "\n\n", 64);
        assertThatThrownBy(sse::next).isInstanceOf(IOException.class).hasMessageContaining("line");
    }

    @Test
    void anEventOverTheLimitIsRefusedThoughEachLineFits() {
        SseReader sse = reader(("data: " + "x".repeat(40) + "\n").repeat(3) + "\n", 64);
        assertThatThrownBy(sse::next).isInstanceOf(IOException.class).hasMessageContaining("event");
    }

    @Test
    void theEventLimitCountsBytesNotCharacters() {
        // 3 lines of 18 three-byte characters: 54 characters, 162 bytes of data, over a 100-byte limit
        SseReader sse = reader(("data: " + "€".repeat(18) + "\n").repeat(3) + "\n", 100);
        assertThatThrownBy(sse::next).isInstanceOf(IOException.class).hasMessageContaining("event");
    }

    @Test
    void eventsJustUnderTheLimitPass() throws IOException {
        String data = "y".repeat(58); // "data: " + 58 = 64 bytes on the line
        SseReader sse = reader("data: " + data + "\n\n", 64);
        assertThat(sse.next().data()).isEqualTo(data);
    }
}
