package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Prometheus text format (0.0.4) as the metrics write it. */
class MetricsTest {
    private final Metrics metrics = new Metrics();

    @Test
    void counter_labelledSeries_helpTypeAndOneLineEach() {
        Metrics.Counter requests = metrics.counter("http_requests_total", "Requests answered.", "route", "status");
        requests.inc("/users/{id}", "200");
        requests.inc("/users/{id}", "200");
        requests.inc("/users", "201");

        List<String> lines = metrics.text().lines().toList();

        assertEquals("# HELP http_requests_total Requests answered.", lines.get(0));
        assertEquals("# TYPE http_requests_total counter", lines.get(1));
        assertTrue(lines.contains("http_requests_total{route=\"/users/{id}\",status=\"200\"} 2"), lines.toString());
        assertTrue(lines.contains("http_requests_total{route=\"/users\",status=\"201\"} 1"), lines.toString());
        assertEquals(2, requests.count("/users/{id}", "200"));
    }

    @Test
    void histogram_cumulativeBucketsInfSumAndCount() {
        Metrics.Histogram seconds = metrics.histogram("http_request_duration_seconds", "Time to answer.",
                new double[] {0.005, 0.25, 1}, "route");
        seconds.observe(0.003, "/users");
        seconds.observe(0.2, "/users");
        seconds.observe(20, "/users");

        String text = metrics.text();

        assertTrue(text.contains("# TYPE http_request_duration_seconds histogram\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_bucket{route=\"/users\",le=\"0.005\"} 1\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_bucket{route=\"/users\",le=\"0.25\"} 2\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_bucket{route=\"/users\",le=\"1\"} 2\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_bucket{route=\"/users\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_sum{route=\"/users\"} 20.203\n"), text);
        assertTrue(text.contains("http_request_duration_seconds_count{route=\"/users\"} 3\n"), text);
    }

    @Test
    void counterWithoutLabels_writtenAsZeroFromTheStart() {
        metrics.counter("refused_total", "Refused.");

        assertTrue(metrics.text().contains("# TYPE refused_total counter\nrefused_total 0\n"), metrics.text());
    }

    @Test
    void gauge_readWhenWritten() {
        int[] inUse = {3};
        metrics.gauge("pool_connections_in_use", "Connections borrowed now.", () -> inUse[0]);
        inUse[0] = 5;

        assertTrue(metrics.text().contains("\npool_connections_in_use 5\n"));
    }

    @Test
    void labelValue_quotesBackslashesNewlinesEscaped() {
        metrics.counter("odd_total", "Odd values.", "v").inc("a\"b\\c\nd");

        assertTrue(metrics.text().contains("odd_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), metrics.text());
    }

    @Test
    void misuse_refusedWhenMade() {
        metrics.counter("one_total", "One.");

        assertThrows(IllegalArgumentException.class, () -> metrics.counter("one_total", "Again."));
        assertThrows(IllegalArgumentException.class, () -> metrics.counter("calls", "No _total."));
        assertThrows(IllegalArgumentException.class, () -> metrics.counter("bad-name_total", "Dash."));
        assertThrows(IllegalArgumentException.class, () -> metrics.counter("le_total", "Label le.", "le"));
        Metrics.Counter labelled = metrics.counter("two_total", "Two.", "a", "b");
        assertThrows(IllegalArgumentException.class, () -> labelled.inc("only one"));
    }

    @Test
    void gauges_eachSeriesReadFromItsOwnSupplier_whenWritten() {
        var metrics = new Metrics();
        var busy = new java.util.concurrent.atomic.AtomicInteger(3);
        metrics.gauges("pool_connections", "Connections by state.", "pool", "state")
                .series(busy::get, "a", "busy").series(() -> 7, "a", "idle");
        busy.set(4);

        String text = metrics.text();

        assertTrue(text.contains("# TYPE pool_connections gauge\n"), text);
        assertTrue(text.contains("pool_connections{pool=\"a\",state=\"busy\"} 4\n"), text);
        assertTrue(text.contains("pool_connections{pool=\"a\",state=\"idle\"} 7\n"), text);
    }
}
