package dev.desafios.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scriptable HTTP/1.1 upstream on 127.0.0.1 for tests of outbound calls: it answers every
 * request with the current {@link Answer} (a status and body, after an optional delay, or bytes
 * that are not HTTP), records what it received, and refuses connections once closed.
 */
public final class FakeUpstream implements AutoCloseable {

    /** One received request; header names are lower case. */
    public record Received(String method, String target, Map<String, String> headers, String body) {
        /** A header's value, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * How the upstream answers: a status with a body after a delay, or garbage when status is 0;
     * {@code headers} are extra response headers, written as given (a value with line breaks is
     * written as one line per value, as several {@code Set-Cookie} are); with {@code bodyPause}
     * above zero, the head goes out at once and the body one byte per pause (a trickle; a long
     * pause is a body that stalls).
     */
    public record Answer(int status, String contentType, String body, Duration delay, Map<String, String> headers,
            Duration bodyPause) {
        /** An answer whose body is sent whole. */
        public Answer(int status, String contentType, String body, Duration delay, Map<String, String> headers) {
            this(status, contentType, body, delay, headers, Duration.ZERO);
        }

        /** An answer without extra headers. */
        public Answer(int status, String contentType, String body, Duration delay) {
            this(status, contentType, body, delay, Map.of());
        }

        /** The same answer, sent only after the delay. */
        public Answer after(Duration wait) {
            return new Answer(status, contentType, body, wait, headers, bodyPause);
        }

        /** The same answer with one more response header (sent besides the fixed ones; a repeated name adds a line). */
        public Answer withHeader(String name, String value) {
            var more = new LinkedHashMap<>(headers);
            more.merge(name, value, (old, added) -> old + "\n" + added);
            return new Answer(status, contentType, body, delay, Map.copyOf(more), bodyPause);
        }

        /** The same answer with its head sent at once and its body one byte per {@code pause}. */
        public Answer trickled(Duration pause) {
            return new Answer(status, contentType, body, delay, headers, pause);
        }
    }

    /** A status with a JSON body. */
    public static Answer json(int status, String body) {
        return new Answer(status, "application/json", body, Duration.ZERO);
    }

    /** Bytes that are not an HTTP response, then the connection closes. */
    public static Answer garbage() {
        return new Answer(0, null, "\u0000\u0001 this is not HTTP \r\n\r\n", Duration.ZERO);
    }

    private final ServerSocket listener;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile Answer answer = json(200, "{}");
    private volatile boolean closed;

    private FakeUpstream(ServerSocket listener) {
        this.listener = listener;
        this.acceptor = Thread.ofVirtual().name("fake-upstream-accept").start(this::acceptLoop);
    }

    /** Starts on a free port. */
    public static FakeUpstream start() {
        return startOn(0);
    }

    /** Starts on the given port, for instance the port of a closed upstream that comes back. */
    public static FakeUpstream startOn(int port) {
        try {
            var listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return new FakeUpstream(listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Answers every following request this way. */
    public FakeUpstream answer(Answer next) {
        this.answer = next;
        return this;
    }

    /** The port listened on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The URI of a path on this upstream. */
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** Waits until at least {@code count} requests were received (at most five seconds); true when they were. */
    public boolean awaitReceived(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return received.size() >= count;
    }

    /** The requests received so far, oldest first. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Stops listening (once this returns, new connections are refused) and cuts open connections. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
            // The socket is released only when the blocked accept has returned: wait for it.
            acceptor.join(Duration.ofSeconds(5));
        } catch (IOException ignored) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        open.forEach(FakeUpstream::closeQuietly);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = listener.accept();
                if (closed) {
                    closeQuietly(socket);
                    return;
                }
                open.add(socket);
                Thread.ofVirtual().name("fake-upstream-conn").start(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            String requestLine = readLine(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            var headers = new TreeMap<String, String>();
            for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            String[] parts = requestLine.split(" ");
            received.add(new Received(parts[0], parts[1], Map.copyOf(headers), body));
            respond(socket.getOutputStream(), answer);
        } catch (IOException | InterruptedException | RuntimeException cut) {
            // the client went away, the test closed the upstream, or the request was not HTTP
        } finally {
            open.remove(socket);
        }
    }

    private static void respond(OutputStream out, Answer answer) throws IOException, InterruptedException {
        Thread.sleep(answer.delay());
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.status() == 0) {
            out.write(body);
        } else {
            var head = new StringBuilder("HTTP/1.1 " + answer.status() + " Fake\r\n")
                    .append("Content-Type: ").append(answer.contentType()).append("\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            answer.headers().forEach((name, values) -> {
                for (String value : values.split("\n")) {
                    head.append(name).append(": ").append(value).append("\r\n");
                }
            });
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            if (answer.bodyPause().isPositive()) {
                trickle(out, body, answer.bodyPause());
                return;
            }
            out.write(body);
        }
        out.flush();
    }

    private static void trickle(OutputStream out, byte[] body, Duration pause) throws IOException, InterruptedException {
        out.flush();
        for (byte b : body) {
            out.write(b);
            out.flush();
            Thread.sleep(pause);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        var line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
