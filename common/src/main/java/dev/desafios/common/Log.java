package dev.desafios.common;

import com.eclipsesource.json.JsonObject;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** One JSON object per line on stdout, so that {@code docker logs} can be read by machines and people. */
public final class Log {
    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

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

    /** An error line; the stack trace goes to stderr, never into a response. */
    public static void error(String msg, Throwable cause) {
        write("ERROR", msg, new JsonObject().add("error", String.valueOf(cause)));
        cause.printStackTrace();
    }

    private static void write(String level, String msg, JsonObject fields) {
        var line = new JsonObject().add("ts", Instant.now().toString()).add("level", level).add("msg", msg);
        for (var member : fields) {
            line.add(member.getName(), member.getValue());
        }
        // One println per line: concurrent requests never interleave inside a line.
        OUT.println(line);
    }
}
