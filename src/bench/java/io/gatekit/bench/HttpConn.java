package io.gatekit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One keep-alive HTTP/1.1 connection of the HTTP benchmark's client: a raw socket, one request at a time (no
 * pipelining), written with a single write and read back through its own buffer. Replies are framed by
 * Content-Length, chunked transfer coding, or the end of the connection; the body is kept as bytes (a JSON reply
 * or an SSE stream, whichever the server chose). Only the headers the benchmark needs are looked at
 * ({@code Mcp-Session-Id}, {@code Content-Type}, {@code Content-Length}, {@code Transfer-Encoding},
 * {@code Connection}). Reconnects by itself when the server closed the connection. Not thread-safe: one virtual
 * thread drives it; every read is bounded by the socket timeout.
 */
final class HttpConn implements AutoCloseable {
    private static final byte[] RESULT = "\"result\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR = "\"error\"".getBytes(StandardCharsets.US_ASCII);

    /** Where the MCP endpoint is; {@code head} builds the fixed part of a POST's header block. */
    record Endpoint(String host, int port, String path) {
        /** The header block up to (and including) {@code Content-Length: }, with the session when not null. */
        byte[] head(String sessionId) {
            StringBuilder h = new StringBuilder(256)
                    .append("POST ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Content-Type: application/json\r\n")
                    .append("Accept: application/json, text/event-stream\r\n");
            if (sessionId != null) {
                h.append("Mcp-Session-Id: ").append(sessionId).append("\r\n")
                        .append("MCP-Protocol-Version: 2025-11-25\r\n");
            }
            return h.append("Content-Length: ").toString().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final Endpoint endpoint;
    private final int timeoutMillis;
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] buf = new byte[32 * 1024];
    private int pos;
    private int lim;
    private byte[] request = new byte[1024];
    private final byte[] digits = new byte[20];
    private final StringBuilder line = new StringBuilder(128);

    /** The last reply. */
    int status;
    String sessionId;
    boolean sse;
    byte[] body = new byte[8 * 1024];
    int bodyLength;

    HttpConn(Endpoint endpoint, int timeoutMillis) {
        this.endpoint = endpoint;
        this.timeoutMillis = timeoutMillis;
    }

    void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        pos = 0;
        lim = 0;
    }

    /** POSTs {@code head} (from {@link Endpoint#head}) + a body of prefix, id digits, suffix; reads the reply. */
    void post(byte[] head, byte[] bodyPrefix, long id, byte[] bodySuffix) throws IOException {
        int idLength = id < 0 ? 0 : digits(id);
        int contentLength = bodyPrefix.length + idLength + (bodySuffix == null ? 0 : bodySuffix.length);
        int clDigits = digitsOf(contentLength);
        int total = head.length + clDigits + 4 + contentLength;
        if (request.length < total) {
            request = new byte[Math.max(total, request.length * 2)];
        }
        int at = 0;
        System.arraycopy(head, 0, request, at, head.length);
        at += head.length;
        for (int i = clDigits - 1, v = contentLength; i >= 0; i--, v /= 10) {
            request[at + i] = (byte) ('0' + v % 10);
        }
        at += clDigits;
        request[at++] = '\r';
        request[at++] = '\n';
        request[at++] = '\r';
        request[at++] = '\n';
        System.arraycopy(bodyPrefix, 0, request, at, bodyPrefix.length);
        at += bodyPrefix.length;
        System.arraycopy(digits, digits.length - idLength, request, at, idLength);
        at += idLength;
        if (bodySuffix != null) {
            System.arraycopy(bodySuffix, 0, request, at, bodySuffix.length);
            at += bodySuffix.length;
        }
        connect();
        try {
            out.write(request, 0, at);
            out.flush();
            readReply();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Whether the last reply was a 200 carrying a JSON-RPC result and no error (JSON or SSE). */
    boolean resultOk() {
        return status == 200 && indexOf(body, bodyLength, RESULT) >= 0 && indexOf(body, bodyLength, ERROR) < 0;
    }

    String bodyText() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    private int digits(long id) {
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + id % 10);
            id /= 10;
        } while (id > 0);
        return digits.length - at;
    }

    private static int digitsOf(int v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    private void readReply() throws IOException {
        String statusLine = readLine();
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP reply: " + statusLine);
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        sessionId = null;
        sse = false;
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = statusLine.startsWith("HTTP/1.0");
        while (true) {
            String header = readLine();
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon);
            String value = header.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("content-type")) {
                sse = value.startsWith("text/event-stream");
            } else if (name.equalsIgnoreCase("mcp-session-id")) {
                sessionId = value;
            } else if (name.equalsIgnoreCase("connection")) {
                closeAfter = value.equalsIgnoreCase("close");
            }
        }
        bodyLength = 0;
        if (chunked) {
            while (true) {
                String size = readLine();
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (n == 0) {
                    while (!readLine().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                readBody(n);
                if (!readLine().isEmpty()) {
                    throw new IOException("bad chunk framing");
                }
            }
        } else if (contentLength >= 0) {
            readBody((int) contentLength);
        } else if (status != 204 && status != 304 && !(status >= 100 && status < 200)) {
            // no framing: the body runs to the end of the connection
            while (fill()) {
                readBody(lim - pos);
            }
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
    }

    private void readBody(int n) throws IOException {
        if (body.length < bodyLength + n) {
            body = Arrays.copyOf(body, Math.max(bodyLength + n, body.length * 2));
        }
        while (n > 0) {
            if (pos == lim && !fill()) {
                throw new IOException("connection closed in a body");
            }
            int take = Math.min(n, lim - pos);
            System.arraycopy(buf, pos, body, bodyLength, take);
            pos += take;
            bodyLength += take;
            n -= take;
        }
    }

    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (pos == lim && !fill()) {
                throw new IOException("connection closed" + (line.isEmpty() ? "" : " in a line"));
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xff));
            if (line.length() > 64 * 1024) {
                throw new IOException("header line too long");
            }
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            return false;
        }
        pos = 0;
        lim = n;
        return true;
    }

    static int indexOf(byte[] hay, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    /** Closes from another thread (unblocks a read); the owner sees an IOException. */
    void abort() {
        close();
    }
}
