package io.quarkiverse.socketio.runtime.cluster.primary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.buffer.Buffer;

/**
 * The status line and headers of a worker's HTTP/1.1 answer to an upgrade request the router wrote on a raw
 * connection, and the end of a refusal's body. Only what the router needs: a 101 passes on as it is, a refusal is read
 * whole (it is small) and answered to the client as a normal response.
 *
 * @param status the status code
 * @param headers the header fields, in order
 * @param length the bytes of the head, final empty line included
 */
record HttpAnswerHead(int status, List<Map.Entry<String, String>> headers, int length) {

    /** The head at the start of {@code bytes}, or {@code null} while it is incomplete. */
    static HttpAnswerHead parse(Buffer bytes) {
        int end = endOfHead(bytes);
        if (end < 0) {
            return null;
        }
        String[] lines = bytes.getString(0, end - 4, StandardCharsets.ISO_8859_1.name()).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new IllegalArgumentException("Not an HTTP status line: " + lines[0]);
        }
        int status = Integer.parseInt(statusLine[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("Not an HTTP header: " + lines[i]);
            }
            headers.add(Map.entry(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
        }
        return new HttpAnswerHead(status, List.copyOf(headers), end);
    }

    private static int endOfHead(Buffer bytes) {
        for (int i = 3; i < bytes.length(); i++) {
            if (bytes.getByte(i) == '\n' && bytes.getByte(i - 1) == '\r' && bytes.getByte(i - 2) == '\n'
                    && bytes.getByte(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The first value of a header, or {@code null}. */
    String header(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    boolean chunked() {
        String te = header("Transfer-Encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** The body length the head announces, or -1 when none (chunked, or delimited by the end of the connection). */
    long contentLength() {
        String cl = header("Content-Length");
        if (cl == null || chunked()) {
            return -1;
        }
        return Long.parseLong(cl);
    }

    /** The body of chunked {@code bytes} (the bytes after the head), or {@code null} while the last chunk is missing. */
    static Buffer dechunk(Buffer bytes) {
        Buffer body = Buffer.buffer();
        int at = 0;
        while (true) {
            int lineEnd = indexOfCrlf(bytes, at);
            if (lineEnd < 0) {
                return null;
            }
            String sizeLine = bytes.getString(at, lineEnd, StandardCharsets.ISO_8859_1.name());
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            at = lineEnd + 2;
            if (size == 0) {
                return body; // trailers, if any, are not needed
            }
            if (bytes.length() < at + size + 2) {
                return null;
            }
            body.appendBuffer(bytes, at, size);
            at += size + 2;
        }
    }

    private static int indexOfCrlf(Buffer bytes, int from) {
        for (int i = from; i + 1 < bytes.length(); i++) {
            if (bytes.getByte(i) == '\r' && bytes.getByte(i + 1) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
