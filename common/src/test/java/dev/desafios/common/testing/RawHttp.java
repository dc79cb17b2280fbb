package dev.desafios.common.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Requests written byte for byte to a server on 127.0.0.1, for what an HTTP client would correct or
 * refuse to send, and the answers read as they come (or the connection closed without one).
 */
public final class RawHttp {
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final IntSupplier port;

    /** One raw answer: status (0 when the server closed without answering), lower-case headers, body. */
    public record Raw(int status, Map<String, String> headers, String body) {
        /** A header's value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** Requests to the server on this port. */
    public RawHttp(int port) {
        this(() -> port);
    }

    /** Requests to a server whose port is read at each request (one that a {@link TestServer} starts). */
    public RawHttp(IntSupplier port) {
        this.port = port;
    }

    /** Sends a request line, a Host and {@code Connection: close}, and reads the answer. */
    public Raw raw(String requestLine) {
        return rawBytes((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends the bytes exactly and reads the answer (status 0 when the server closes or resets without one). */
    public Raw rawBytes(byte[] request) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port.getAsInt())) {
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before reading it all: read what it said
            }
            return read(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            String text = new String(request, StandardCharsets.ISO_8859_1);
            throw new AssertionError("no answer within " + READ_TIMEOUT + " to " + BadInput.visible(text)
                    + (text.length() > 80 ? " ... " + BadInput.visible(text.substring(text.length() - 80)) : ""), e);
        } catch (IOException reset) {
            return new Raw(0, Map.of(), "");
        }
    }

    /** Reads one answer: the head, then Content-Length bytes, else to the end (status 0 when there is none). */
    static Raw read(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        if (head.size() == 0) {
            return new Raw(0, Map.of(), "");
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).strip().split("\r\n");
        var headers = new HashMap<String, String>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        String length = headers.get("content-length");
        byte[] body;
        try {
            body = length == null ? in.readAllBytes() : in.readNBytes(Integer.parseInt(length));
        } catch (IOException resetAfterAnswer) {
            body = new byte[0];
        }
        return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server closed or reset the connection within the wait; fails if it answered something. */
    static boolean closedWithin(InputStream in, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            try {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
                // An answer to a request never finished: acceptable only as a refusal.
                var rest = new ByteArrayOutputStream();
                rest.write(b);
                rest.writeBytes(in.readNBytes(12));
                String start = rest.toString(StandardCharsets.ISO_8859_1);
                assertTrue(start.startsWith("HTTP/1.1 4"), "the slow client got: " + start);
                return true;
            } catch (SocketTimeoutException stillOpen) {
                // keep waiting
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }
}
