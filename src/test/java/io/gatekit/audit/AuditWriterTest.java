package io.gatekit.audit;

import static io.gatekit.audit.AuditFixtures.allowed;
import static io.gatekit.audit.AuditFixtures.call;
import static io.gatekit.audit.AuditFixtures.json;
import static io.gatekit.audit.AuditFixtures.lines;
import static io.gatekit.audit.AuditFixtures.requestEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatekit.jsonrpc.JsonRpcMessage.Request;
import io.gatekit.plugins.AuditEvent;
import io.gatekit.plugins.AuditingPlugin;
import io.gatekit.plugins.Plugin;
import io.gatekit.plugins.SharedResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The shared audit writer: rotation, many threads through one file shared by two entries, the flush on close, the
 * full-queue policy, and sharing rules.
 */
class AuditWriterTest {
    @TempDir
    Path directory;

    /** Writes each event's request id, padded to about 100 bytes, so records can be counted and checked whole. */
    private static final EventFormat PADDED_ID = event -> "record-" + event.requestId() + "-" + "x".repeat(88);

    private static AuditEvent event(Object id) {
        Request request = call(id, "echo", "{}");
        return requestEvent(request, allowed(request, ""));
    }

    @Test
    void rotationKeepsWholeRecordsInNumberedBackupsAndLosesNone() {
        Path file = directory.resolve("audit.csv");
        CsvDialect dialect = CsvDialect.DEFAULT;
        AuditWriter writer = new AuditWriter(file, CsvFormat.layout(dialect), new AuditWriter.Settings(4096, 10, 1000));
        for (int i = 0; i < 300; i++) {
            assertThat(writer.submit(event(i), PADDED_ID)).isTrue();
        }
        writer.close();

        List<Path> files = new ArrayList<>();
        for (int n = 10; n >= 1; n--) {
            Path backup = directory.resolve("audit.csv." + n);
            if (Files.exists(backup)) {
                files.add(backup);
            }
        }
        files.add(file);
        assertThat(files).as("about 30 KB in files of 4 KB").hasSizeBetween(8, 11);
        assertThat(directory.resolve("audit.csv.1")).exists();
        List<Integer> ids = new ArrayList<>();
        for (Path each : files) {
            assertThat(each.toFile().length()).isLessThanOrEqualTo(4096);
            List<String> lines = lines(each);
            assertThat(lines.getFirst()).as("every file starts with the header").isEqualTo(dialect.header(CsvFormat.COLUMNS));
            for (String line : lines.subList(1, lines.size())) {
                assertThat(line).matches("record-\\d+-x{88}");
                ids.add(Integer.parseInt(line.split("-")[1]));
            }
        }
        assertThat(ids).as("oldest backup first, every record once, in order").isEqualTo(IntStream.range(0, 300).boxed().toList());
    }

    @Test
    void backupsBeyondBackupCountAreDeletedAndZeroNeverRotates() {
        Path file = directory.resolve("audit.log");
        AuditWriter writer = new AuditWriter(file, HumanReadableFormat.LAYOUT, new AuditWriter.Settings(1000, 2, 1000));
        for (int i = 0; i < 100; i++) {
            writer.submit(event(i), PADDED_ID);
        }
        writer.close();
        assertThat(directory.resolve("audit.log.1")).exists();
        assertThat(directory.resolve("audit.log.2")).exists();
        assertThat(directory.resolve("audit.log.3")).doesNotExist();
        assertThat(lines(file).getLast()).startsWith("record-99-");

        Path single = directory.resolve("single.log");
        AuditWriter unrotated = new AuditWriter(single, HumanReadableFormat.LAYOUT, new AuditWriter.Settings(1000, 0, 1000));
        for (int i = 0; i < 100; i++) {
            unrotated.submit(event(i), PADDED_ID);
        }
        unrotated.close();
        assertThat(lines(single)).hasSize(100);
        assertThat(directory.resolve("single.log.1")).doesNotExist();
    }

    @Test
    void sixteenThreadsThroughTwoEntriesSharingOneFileWriteEveryRecordWholeOnItsOwnLine() throws Exception {
        SharedResources shared = new SharedResources();
        String options = "{\"output_file\": \"shared/audit.jsonl\", \"event_buffer_size\": 16000}";
        Plugin first = AuditFixtures.plugin(new AuditJsonlFactory(), directory, shared, options);
        Plugin second = AuditFixtures.plugin(new AuditJsonlFactory(), directory, shared,
                "{\"output_file\": \"shared/audit.jsonl\", \"event_buffer_size\": 16000, \"include_request_body\": true}");
        AuditWriter writer = ((FileAuditor) first).writer();
        assertThat(((FileAuditor) second).writer()).as("one writer per file").isSameAs(writer);

        int threads = 16;
        int perThread = 1000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                List<AuditEvent> events = IntStream.range(0, perThread).mapToObj(i -> event(thread + "-" + i)).toList();
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        ((AuditingPlugin) (i % 2 == 0 ? first : second)).record(events.get(i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> each : done) {
                each.get(60, TimeUnit.SECONDS);
            }
        }
        assertThat(writer.dropped()).isZero();
        first.close();
        EventFormat jsonl = new JsonLinesFormat(new JsonLinesFormat.Bodies(false, false, false, 0),
                FileAuditorFactory.formatCodec());
        assertThat(writer.submit(event("after"), jsonl)).as("still open: the second entry holds it").isTrue();
        second.close();

        List<String> lines = lines(directory.resolve("shared/audit.jsonl"));
        Set<String> ids = new HashSet<>();
        int withBody = 0;
        for (String line : lines) {
            JsonNode record = json(line);
            if (record.path("request_id").asString().equals("after")) {
                continue;
            }
            assertThat(record.path("event_type").asString()).isEqualTo("REQUEST");
            ids.add(record.path("request_id").asString());
            withBody += record.has("request_body") ? 1 : 0;
        }
        assertThat(lines).hasSize(threads * perThread + 1);
        assertThat(ids).hasSize(threads * perThread);
        assertThat(withBody).as("each entry keeps its own options").isEqualTo(threads * perThread / 2);
    }

    @Test
    void closeWritesEverythingQueuedAndRefusesLaterRecords() {
        Path file = directory.resolve("flush.jsonl");
        AuditWriter writer = new AuditWriter(file, JsonLinesFormat.LAYOUT, new AuditWriter.Settings(1 << 30, 5, 10_000));
        for (int i = 0; i < 5000; i++) {
            assertThat(writer.submit(event(i), PADDED_ID)).isTrue();
        }
        writer.close();
        assertThat(lines(file)).hasSize(5000);
        assertThat(lines(file).getLast()).startsWith("record-4999-");
        assertThat(writer.submit(event("late"), PADDED_ID)).isFalse();
        writer.close(); // a second close does nothing
        assertThat(lines(file)).hasSize(5000);
    }

    @Test
    void aFullQueueDropsCountsAndMarksTheGapOnceThereIsRoom() throws Exception {
        Path file = directory.resolve("full.jsonl");
        AuditWriter writer = new AuditWriter(file, JsonLinesFormat.LAYOUT, new AuditWriter.Settings(1 << 30, 5, 10));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The first record holds the writer thread, as a slow disk would.
        EventFormat stuck = event -> {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "{\"held\": true}";
        };
        assertThat(writer.submit(event("held"), stuck)).isTrue();
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        EventFormat plain = event -> "{\"request_id\": \"" + event.requestId().asString() + "\"}";
        for (int i = 0; i < 10; i++) {
            assertThat(writer.submit(event("queued-" + i), plain)).isTrue();
        }
        for (int i = 0; i < 5; i++) {
            assertThat(writer.submit(event("lost-" + i), plain)).as("the queue is full").isFalse();
        }
        assertThat(writer.dropped()).isEqualTo(5);
        release.countDown();
        writer.close();

        List<JsonNode> records = lines(file).stream().map(AuditFixtures::json).toList();
        assertThat(records).hasSize(12);
        assertThat(records.getFirst().path("held").asBoolean()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(records.get(1 + i).path("request_id").asString()).isEqualTo("queued-" + i);
        }
        JsonNode marker = records.getLast();
        assertThat(marker.path("event_type").asString()).isEqualTo("AUDIT_DROPPED");
        assertThat(marker.path("count").asLong()).isEqualTo(5);
    }

    @Test
    void entriesWritingOneFileInDifferentShapesAreRefused() {
        SharedResources shared = new SharedResources();
        Plugin jsonl = AuditFixtures.plugin(new AuditJsonlFactory(), directory, shared, "{\"output_file\": \"one.log\"}");
        assertThatThrownBy(() -> AuditFixtures.plugin(new AuditCsvFactory(), directory, shared, "{\"output_file\": \"one.log\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already written as JSON Lines");
        Plugin again = AuditFixtures.plugin(new AuditJsonlFactory(), directory, shared, "{\"output_file\": \"./one.log\"}");
        assertThat(((FileAuditor) again).writer()).as("the same file by another spelling").isSameAs(((FileAuditor) jsonl).writer());
        again.close();
        jsonl.close();
        Plugin csv = AuditFixtures.plugin(new AuditCsvFactory(), directory, shared, "{\"output_file\": \"one.log\"}");
        csv.close();
        assertThat(lines(directory.resolve("one.log"))).as("the JSON Lines entry wrote nothing; the CSV one its header")
                .containsExactly(CsvDialect.DEFAULT.header(CsvFormat.COLUMNS));
    }

    @Test
    void aFileThatCannotBeOpenedIsAClearStartupError() throws Exception {
        Files.writeString(directory.resolve("blocker"), "a file where a directory should be");
        assertThatThrownBy(() -> AuditFixtures.plugin(new AuditJsonlFactory(), directory, new SharedResources(),
                "{\"output_file\": \"blocker/audit.jsonl\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot open audit file")
                .hasMessageContaining("blocker");
    }
}
