package dev.desafios.common.testing;

import dev.desafios.common.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The log lines a piece of work writes, read from stdout (where services log) while it runs. */
public final class CapturedLog {
    private CapturedLog() {
    }

    /** The lines written to stdout while {@code logging} runs, the log's queue flushed first. */
    public static List<String> during(Runnable logging) {
        return during(logging, lines -> true);
    }

    /**
     * The lines written while {@code logging} runs and after, until {@code complete} holds of
     * them (at most two seconds): a server logs a request after its answer is sent, so the
     * client may see the answer before the line is queued.
     */
    public static List<String> during(Runnable logging, Predicate<List<String>> complete) {
        PrintStream original = System.out;
        var bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            logging.run();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            Log.flush();
            while (!complete.test(lines(bytes)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
                Log.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            System.setOut(original);
        }
        return lines(bytes);
    }

    /** How many access lines ("msg":"request") there are among these. */
    public static long requestLines(List<String> lines) {
        return lines.stream().filter(line -> line.contains("\"msg\":\"request\"")).count();
    }

    private static List<String> lines(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
