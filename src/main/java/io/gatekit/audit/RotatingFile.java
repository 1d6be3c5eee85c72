package io.gatekit.audit;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * An append-only text file of whole lines that rotates by size: when the next line would take it past
 * {@code maxBytes}, the file becomes {@code name.1} (the older backups move up to {@code name.N}, the oldest is
 * deleted) and a new file is started, with the header when there is one. A line is never split across files; a
 * line longer than {@code maxBytes} gets a file of its own. As with Python's rotating handler, a
 * {@code backupCount} of 0 means the file is never rotated.
 *
 * <p>Concurrency: none; one thread (the audit writer's) uses it after construction.
 */
final class RotatingFile implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final Path path;
    private final long maxBytes;
    private final int backupCount;
    private final byte @Nullable [] header;
    private @Nullable OutputStream out;
    private long size;

    /** Opens (creating the directories and the file if need be) {@code path} for appending. */
    RotatingFile(Path path, long maxBytes, int backupCount, @Nullable String header) throws IOException {
        this.path = path;
        this.maxBytes = maxBytes;
        this.backupCount = backupCount;
        this.header = header == null ? null : (header + "\n").getBytes(StandardCharsets.UTF_8);
        Path parent = path.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        open();
    }

    Path path() {
        return path;
    }

    private void open() throws IOException {
        OutputStream stream = new BufferedOutputStream(new FileOutputStream(path.toFile(), true), BUFFER);
        out = stream;
        size = Files.size(path);
        if (size == 0 && header != null) {
            stream.write(header);
            size = header.length;
        }
    }

    /** Writes {@code line} (which carries its line break), rotating first when it would not fit. */
    void write(byte[] line) throws IOException {
        if (out == null) {
            open(); // a failure earlier closed it: try again
        }
        long headerSize = header == null ? 0 : header.length;
        if (backupCount > 0 && size > headerSize && size + line.length > maxBytes) {
            rotate();
        }
        OutputStream stream = java.util.Objects.requireNonNull(out);
        stream.write(line);
        size += line.length;
    }

    void flush() throws IOException {
        if (out != null) {
            out.flush();
        }
    }

    private void rotate() throws IOException {
        closeStream();
        Path oldest = backup(backupCount);
        Files.deleteIfExists(oldest);
        for (int i = backupCount - 1; i >= 1; i--) {
            Path from = backup(i);
            if (Files.exists(from)) {
                Files.move(from, backup(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(path, backup(1), StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    /** The path of backup {@code n} ({@code name.n}). */
    Path backup(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }

    /** Drops the stream after a failed write, so the next write reopens the file. */
    void reset() {
        try {
            closeStream();
        } catch (IOException ignored) {
            // the stream is broken already; the next write opens a new one
        }
    }

    private void closeStream() throws IOException {
        OutputStream stream = out;
        out = null;
        if (stream != null) {
            stream.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeStream();
    }
}
