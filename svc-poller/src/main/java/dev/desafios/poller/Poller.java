package dev.desafios.poller;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import dev.desafios.common.HttpCalls;
import dev.desafios.common.Log;
import dev.desafios.common.Problem;
import dev.desafios.common.RequestIds;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Calls the target, logs one JSON line per call, and sleeps as the {@link Backoff} says. */
final class Poller implements AutoCloseable {

    /** One call's outcome: the HTTP status (0 when none came back) and the delay chosen after it. */
    record Outcome(int status, String apiHostname, Duration next) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpCalls calls;
    private final URI target;
    private final Backoff backoff;
    private volatile Thread loop;
    private volatile boolean closed;

    Poller(HttpCalls calls, URI target, Backoff backoff) {
        this.calls = calls;
        this.target = target;
        this.backoff = backoff;
    }

    /** Starts the loop on its own thread. */
    void start() {
        loop = Thread.ofPlatform().name("poller").daemon().start(this::run);
    }

    boolean isRunning() {
        return loop != null && loop.isAlive() && !closed;
    }

    private void run() {
        while (!closed) {
            Outcome outcome = pollOnce();
            try {
                Thread.sleep(outcome.next());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Makes one call and logs it; never throws. */
    Outcome pollOnce() {
        long start = System.nanoTime();
        String requestId = RequestIds.generate();
        int status = 0;
        String apiHostname = null;
        String error = null;
        try {
            HttpResponse<byte[]> response = calls.get(target, requestId);
            status = response.statusCode();
            apiHostname = hostnameIn(response.body());
            if (status >= 300) {
                error = "the API answered " + status;
            }
        } catch (Problem problem) {
            error = problem.getMessage();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        var outcome = new Outcome(status, apiHostname, error == null ? backoff.afterSuccess() : backoff.afterFailure());
        var fields = new JsonObject().add("target", target.toString()).add("status", status).add("ms", ms)
                .add("requestId", requestId).add("nextInMs", outcome.next().toMillis());
        if (error == null) {
            Log.info("poll", fields.add("apiHostname", apiHostname == null ? "" : apiHostname));
        } else {
            Log.warn("poll failed", fields.add("error", error).add("failures", backoff.failures()));
        }
        return outcome;
    }

    private static String hostnameIn(byte[] body) {
        try {
            JsonValue hostname = Json.parse(new String(body, StandardCharsets.UTF_8)).asObject().get("hostname");
            return hostname != null && hostname.isString() ? hostname.asString() : null;
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread running = loop;
        if (running != null) {
            running.interrupt();
        }
    }
}
