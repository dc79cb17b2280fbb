package dev.desafios.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;

/**
 * Counters, gauges and histograms, written in the Prometheus text format (version 0.0.4). Label
 * values must come from a small set the code knows (route patterns, upstream names, statuses):
 * never from what a client sent, or the series would grow without bound.
 */
public final class Metrics {
    /** The text format's content type. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Latency buckets in seconds, from a cached read to a timed-out upstream call. */
    public static final double[] SECONDS_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<Family> families = new CopyOnWriteArrayList<>();

    /** A metric family: its name, help, type and how it writes its samples. */
    private abstract static class Family {
        final String name;
        final String help;
        final String type;

        Family(String name, String help, String type) {
            this.name = name;
            this.help = help;
            this.type = type;
        }

        abstract void writeSamples(StringBuilder out);
    }

    /** A family of counters, one per set of label values. */
    public static final class Counter extends Family {
        private final String[] labels;
        private final Map<List<String>, LongAdder> series = new ConcurrentHashMap<>();

        Counter(String name, String help, String[] labels) {
            super(name, help, "counter");
            this.labels = labels;
            if (labels.length == 0) {
                // A counter without labels is written from the start, as 0: no series to wait for.
                series.put(List.of(), new LongAdder());
            }
        }

        /** Adds one to the series of these label values (as many as the family's labels). */
        public void inc(String... values) {
            add(1, values);
        }

        /** Adds {@code amount} to the series of these label values. */
        public void add(long amount, String... values) {
            series.computeIfAbsent(key(labels, values), k -> new LongAdder()).add(amount);
        }

        /** The current count of a series (0 when it has none yet). */
        public long count(String... values) {
            LongAdder adder = series.get(List.of(values));
            return adder == null ? 0 : adder.sum();
        }

        @Override
        void writeSamples(StringBuilder out) {
            series.forEach((values, adder) -> sample(out, name, labels, values, null, null, adder.sum()));
        }
    }

    /** A gauge read when the metrics are written (a pool's connections in use, say). */
    private static final class Gauge extends Family {
        private final DoubleSupplier value;

        Gauge(String name, String help, DoubleSupplier value) {
            super(name, help, "gauge");
            this.value = value;
        }

        @Override
        void writeSamples(StringBuilder out) {
            sample(out, name, new String[0], List.of(), null, null, value.getAsDouble());
        }
    }

    /** A family of gauges, one per set of label values, each read from its own supplier. */
    public static final class Gauges extends Family {
        private final String[] labels;
        private final Map<List<String>, DoubleSupplier> series = new ConcurrentHashMap<>();

        Gauges(String name, String help, String[] labels) {
            super(name, help, "gauge");
            this.labels = labels;
        }

        /** The series of these label values reads {@code value}. */
        public Gauges series(DoubleSupplier value, String... values) {
            series.put(key(labels, values), value);
            return this;
        }

        @Override
        void writeSamples(StringBuilder out) {
            series.forEach((values, value) -> sample(out, name, labels, values, null, null, value.getAsDouble()));
        }
    }

    /** A family of histograms with fixed buckets, one per set of label values. */
    public static final class Histogram extends Family {
        private final String[] labels;
        private final double[] bounds;
        private final Map<List<String>, Buckets> series = new ConcurrentHashMap<>();

        private static final class Buckets {
            final LongAdder[] counts;
            final LongAdder count = new LongAdder();
            final DoubleAdder sum = new DoubleAdder();

            Buckets(int size) {
                counts = new LongAdder[size];
                Arrays.setAll(counts, i -> new LongAdder());
            }
        }

        Histogram(String name, String help, double[] bounds, String[] labels) {
            super(name, help, "histogram");
            this.labels = labels;
            this.bounds = bounds.clone();
        }

        /** Records one observation in the series of these label values. */
        public void observe(double value, String... values) {
            Buckets buckets = series.computeIfAbsent(key(labels, values), k -> new Buckets(bounds.length));
            for (int i = 0; i < bounds.length; i++) {
                if (value <= bounds[i]) {
                    buckets.counts[i].increment();
                    break;
                }
            }
            buckets.count.increment();
            buckets.sum.add(value);
        }

        @Override
        void writeSamples(StringBuilder out) {
            series.forEach((values, buckets) -> {
                long cumulative = 0;
                for (int i = 0; i < bounds.length; i++) {
                    cumulative += buckets.counts[i].sum();
                    sample(out, name + "_bucket", labels, values, "le", format(bounds[i]), cumulative);
                }
                long count = buckets.count.sum();
                sample(out, name + "_bucket", labels, values, "le", "+Inf", count);
                sample(out, name + "_sum", labels, values, null, null, buckets.sum.sum());
                sample(out, name + "_count", labels, values, null, null, count);
            });
        }
    }

    /** A counter family; its name ends in {@code _total}. */
    public Counter counter(String name, String help, String... labels) {
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("a counter's name ends in _total: " + name);
        }
        return register(new Counter(checkedName(name), help, checkedLabels(labels)));
    }

    /** A gauge read from {@code value} each time the metrics are written. */
    public void gauge(String name, String help, DoubleSupplier value) {
        register(new Gauge(checkedName(name), help, value));
    }

    /** A family of gauges with labels, each series read from a supplier of its own. */
    public Gauges gauges(String name, String help, String... labels) {
        return register(new Gauges(checkedName(name), help, checkedLabels(labels)));
    }

    /** A histogram family with these upper bounds (ascending; +Inf is added). */
    public Histogram histogram(String name, String help, double[] bounds, String... labels) {
        return register(new Histogram(checkedName(name), help, bounds, checkedLabels(labels)));
    }

    /** Every family, in the order they were made, as the text format. */
    public String text() {
        var out = new StringBuilder(4096);
        for (Family family : families) {
            out.append("# HELP ").append(family.name).append(' ').append(escapeHelp(family.help)).append('\n');
            out.append("# TYPE ").append(family.name).append(' ').append(family.type).append('\n');
            family.writeSamples(out);
        }
        return out.toString();
    }

    private <F extends Family> F register(F family) {
        for (Family existing : families) {
            if (existing.name.equals(family.name)) {
                throw new IllegalArgumentException("metric " + family.name + " is already registered");
            }
        }
        families.add(family);
        return family;
    }

    private static String checkedName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric name: " + name);
        }
        return name;
    }

    private static String[] checkedLabels(String[] labels) {
        for (String label : labels) {
            if (!LABEL.matcher(label).matches() || label.startsWith("__") || label.equals("le")) {
                throw new IllegalArgumentException("not a label name: " + label);
            }
        }
        return labels.clone();
    }

    private static List<String> key(String[] labels, String[] values) {
        if (values.length != labels.length) {
            throw new IllegalArgumentException("expected " + labels.length + " label values, got " + values.length);
        }
        return List.of(values);
    }

    private static void sample(StringBuilder out, String name, String[] labels, List<String> values,
            String extraLabel, String extraValue, double value) {
        out.append(name);
        var pairs = new ArrayList<String>(labels.length + 1);
        for (int i = 0; i < labels.length; i++) {
            pairs.add(labels[i] + "=\"" + escapeValue(values.get(i)) + '"');
        }
        if (extraLabel != null) {
            pairs.add(extraLabel + "=\"" + extraValue + '"');
        }
        if (!pairs.isEmpty()) {
            out.append('{').append(String.join(",", pairs)).append('}');
        }
        out.append(' ').append(format(value)).append('\n');
    }

    /** A sample value: whole numbers without a fraction, others as Java writes doubles. */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String escapeValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
