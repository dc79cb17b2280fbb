package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON object per line on stdout, so that {@code docker logs} can be read by machines and
 * people. A request only queues its line: one writer thread writes whatever lines are waiting
 * with one system call, so that requests neither queue for stdout's lock nor pay a write each
 * (what that cost under load: docs/benchmarks.md). The writer lingers a few milliseconds
 * after each write, so that under load it is woken once per batch, not once per line. The queue
 * is bounded in lines and in bytes; when it is full, callers wait: no line is ever dropped.
 * {@link #flush()} waits until every line logged so far is written.
 *
 * <p>Every string field is cut to {@link Problem#ECHO_CHARS} characters (paths, methods and
 * messages may carry what a client sent), so a line stays small whatever the request, and the
 * writer's buffer is given back after a batch that made it grow.
 *
 * <p>Lines are built as text, not as a JSON tree: the access line is on every request's path,
 * and building it through a tree and {@code Instant.toString()} cost a proxy part of its
 * throughput (docs/benchmarks.md).
 */
public final class Log {
    private static final int QUEUED_LINES = 16_384;
    /** What waiting lines may hold in all; a caller waits beyond it. */
    static final int QUEUED_BYTES = 4 * 1024 * 1024;
    /** What one write gathers at most, and the size the writer's buffer returns to. */
    private static final int BYTES_PER_WRITE = 64 * 1024;
    private static final long FLUSH_WAIT_MILLIS = 2_000;
    /** How long the writer lets lines gather after a write; a line waits at most this long. */
    private static final long LINGER_MILLIS = 5;

    private static final BlockingQueue<byte[]> LINES = new ArrayBlockingQueue<>(QUEUED_LINES);
    private static final Semaphore ROOM = new Semaphore(QUEUED_BYTES);
    private static final AtomicLong QUEUED = new AtomicLong();
    private static final Object WRITTEN_LOCK = new Object();
    private static long written;
    /** The last second's timestamp up to its fraction ("2026-11-23T09:44:33."), reused within the second. */
    private static volatile Second second = new Second(Long.MIN_VALUE, "");

    private record Second(long epochSecond, String prefix) {
    }

    static {
        Thread.ofPlatform().daemon().name("log-writer").start(Log::writeForever);
    }

    private Log() {
    }

    /** An informational line with extra fields. */
    public static void info(String msg, JsonObject fields) {
        write("INFO", msg, fields);
    }

    /** An informational line. */
    public static void info(String msg) {
        write("INFO", msg, new JsonObject());
    }

    /** A warning line with extra fields. */
    public static void warn(String msg, JsonObject fields) {
        write("WARN", msg, fields);
    }

    /** An error line, written before the stack trace goes to stderr (never into a response). */
    public static void error(String msg, Throwable cause) {
        write("ERROR", msg, new JsonObject().add("error", String.valueOf(cause)));
        flush();
        printStackTrace(cause);
    }

    /** The stack trace with each message cut short: an exception's message may quote a request. */
    static void printStackTrace(Throwable cause) {
        var text = new StringBuilder();
        int depth = 0;
        for (Throwable t = cause; t != null && depth < 8; t = t.getCause(), depth++) {
            text.append(depth == 0 ? "" : "Caused by: ").append(Problem.bound(String.valueOf(t))).append('\n');
            for (StackTraceElement frame : t.getStackTrace()) {
                text.append("\tat ").append(frame).append('\n');
            }
        }
        System.err.print(text);
        System.err.flush();
    }

    /** Waits (up to two seconds) until every line logged before the call is on stdout. */
    public static void flush() {
        long target = QUEUED.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLUSH_WAIT_MILLIS);
        synchronized (WRITTEN_LOCK) {
            while (written < target) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                try {
                    WRITTEN_LOCK.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The access line every service writes once per request: method, path, status, milliseconds
     * and request id, with the same fields as any other line.
     */
    public static void request(String method, String path, int status, long ms, String requestId) {
        request(method, path, status, ms, requestId, null, -1, Map.of());
    }

    /**
     * The access line, with the client's address and the body's bytes when known (null, -1 when
     * not) and the handler's own fields after them (strings bounded, numbers as they are).
     */
    public static void request(String method, String path, int status, long ms, String requestId,
            String client, long bytes, Map<String, Object> extra) {
        StringBuilder line = start("INFO", "request");
        field(line, "method", method);
        field(line, "path", path);
        line.append(",\"status\":").append(status).append(",\"ms\":").append(ms);
        field(line, "requestId", requestId);
        if (client != null) {
            field(line, "client", client);
        }
        if (bytes >= 0) {
            line.append(",\"bytes\":").append(bytes);
        }
        extra.forEach((name, value) -> {
            if (value instanceof Number number) {
                appendString(line.append(','), Problem.bound(name)).append(':').append(number.longValue());
            } else if (value != null) {
                field(line, Problem.bound(name), String.valueOf(value));
            }
        });
        enqueue(line);
    }

    private static void write(String level, String msg, JsonObject fields) {
        StringBuilder line = start(level, msg);
        for (var member : fields) {
            appendString(line.append(','), Problem.bound(member.getName())).append(':');
            if (member.getValue().isString()) {
                appendString(line, Problem.bound(member.getValue().asString()));
            } else {
                line.append(member.getValue());
            }
        }
        enqueue(line);
    }

    /** {"ts":"...","level":"...","msg":"..." (the line is closed by {@link #enqueue}). */
    private static StringBuilder start(String level, String msg) {
        var line = new StringBuilder(256).append("{\"ts\":\"");
        appendTimestamp(line, Instant.now());
        line.append("\",\"level\":\"").append(level).append('"');
        field(line, "msg", msg);
        return line;
    }

    private static void field(StringBuilder line, String name, String value) {
        appendString(line.append(",\"").append(name).append("\":"), Problem.bound(value));
    }

    /** ISO-8601 in UTC with microseconds: 2026-11-23T09:44:33.868790Z. */
    static StringBuilder appendTimestamp(StringBuilder out, Instant now) {
        Second current = second;
        if (current.epochSecond != now.getEpochSecond()) {
            String whole = Instant.ofEpochSecond(now.getEpochSecond()).toString();
            current = new Second(now.getEpochSecond(), whole.substring(0, whole.length() - 1) + ".");
            second = current;
        }
        int micros = now.getNano() / 1_000;
        out.append(current.prefix);
        for (int digit = 100_000; digit > 1 && micros < digit; digit /= 10) {
            out.append('0');
        }
        return out.append(micros).append('Z');
    }

    /** A JSON string: quotes, backslashes and control characters escaped; null as null. */
    static StringBuilder appendString(StringBuilder out, String value) {
        if (value == null) {
            return out.append("null");
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /** Closes and queues a line, waiting for room when the writer is behind; an interrupt is kept for later. */
    private static void enqueue(StringBuilder text) {
        byte[] line = text.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
        ROOM.acquireUninterruptibly(room(line));
        boolean interrupted = false;
        while (true) {
            try {
                LINES.put(line);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Counted once queued, so a thread's flush after its own line waits for that line.
        QUEUED.incrementAndGet();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The bytes a line holds of the queue's room (a line over the whole room takes all of it). */
    private static int room(byte[] line) {
        return Math.min(line.length, QUEUED_BYTES);
    }

    private static void linger() {
        try {
            Thread.sleep(LINGER_MILLIS);
        } catch (InterruptedException e) {
            // The writer is never interrupted on purpose; it goes on.
        }
    }

    private static void writeForever() {
        var buffer = new ByteArrayOutputStream(BYTES_PER_WRITE);
        while (true) {
            byte[] line;
            try {
                line = LINES.take();
            } catch (InterruptedException e) {
                continue;
            }
            int lines = 0;
            int room = 0;
            // Gathers up to BYTES_PER_WRITE (one line may be longer), then one write.
            do {
                buffer.writeBytes(line);
                room += room(line);
                lines++;
            } while (buffer.size() < BYTES_PER_WRITE && (line = LINES.poll()) != null);
            // System.out as it is now (a test harness may have replaced it); a PrintStream
            // never throws: a closed stdout loses the lines, and nothing else could tell.
            PrintStream out = System.out;
            try {
                buffer.writeTo(out);
            } catch (IOException impossible) {
                // PrintStream reports no errors this way.
            }
            out.flush();
            ROOM.release(room);
            synchronized (WRITTEN_LOCK) {
                written += lines;
                WRITTEN_LOCK.notifyAll();
            }
            // A batch that grew the buffer leaves it to the collector: a buffer never stays grown.
            buffer = buffer.size() > BYTES_PER_WRITE ? new ByteArrayOutputStream(BYTES_PER_WRITE) : buffer;
            buffer.reset();
            linger();
        }
    }
}
