package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One JSON object per line on stdout, so that {@code docker logs} can be read by machines and
 * people. A request only queues its line: one writer thread writes whatever lines are waiting
 * with one system call, so that requests neither queue for stdout's lock nor pay a write each
 * (under load that was a quarter of a proxy's time). When the queue is full, callers wait:
 * no line is ever dropped. {@link #flush()} waits until every line logged so far is written.
 */
public final class Log {
    private static final int QUEUED_LINES = 16_384;
    private static final int LINES_PER_WRITE = 1_024;
    private static final long FLUSH_WAIT_MILLIS = 2_000;

    private static final BlockingQueue<byte[]> LINES = new ArrayBlockingQueue<>(QUEUED_LINES);
    private static final AtomicLong QUEUED = new AtomicLong();
    private static final Object WRITTEN_LOCK = new Object();
    private static long written;

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
        cause.printStackTrace();
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

    private static void write(String level, String msg, JsonObject fields) {
        var line = new JsonObject().add("ts", Instant.now().toString()).add("level", level).add("msg", msg);
        for (var member : fields) {
            line.add(member.getName(), member.getValue());
        }
        enqueue((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Queues a line, waiting for room when the writer is behind; an interrupt is kept for later. */
    private static void enqueue(byte[] line) {
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

    private static void writeForever() {
        var batch = new ArrayList<byte[]>(LINES_PER_WRITE);
        var buffer = new ByteArrayOutputStream(64 * 1024);
        while (true) {
            try {
                batch.add(LINES.take());
            } catch (InterruptedException e) {
                continue;
            }
            LINES.drainTo(batch, LINES_PER_WRITE - 1);
            batch.forEach(buffer::writeBytes);
            // System.out as it is now (a test harness may have replaced it); a PrintStream
            // never throws: a closed stdout loses the lines, and nothing else could tell.
            PrintStream out = System.out;
            out.write(buffer.toByteArray(), 0, buffer.size());
            out.flush();
            synchronized (WRITTEN_LOCK) {
                written += batch.size();
                WRITTEN_LOCK.notifyAll();
            }
            buffer.reset();
            batch.clear();
        }
    }
}
