package dev.desafios.common;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Settings read once from the environment (a map, so that tests pass their own), with named
 * defaults and a {@link ConfigException} naming the variable for any bad value.
 */
public final class Config {
    private static final Pattern ASCII_WHOLE = Pattern.compile("[+-]?[0-9]{1,19}");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    private final Map<String, String> env;

    /** Settings from the given variables. */
    public Config(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** A bad setting: the message is one line that names the variable. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConfigException(String name, String value, String expected) {
            super(name + "=" + Problem.quote(value) + " is invalid: expected " + expected);
        }

        private ConfigException(String message) {
            super(message);
        }

        /** A value that is not what the variable takes; the value is quoted, cut short. */
        public static ConfigException invalid(String name, String value, String expected) {
            return new ConfigException(name, value, expected);
        }

        /** A variable that must be set, for the reason given (such as another variable being set). */
        public static ConfigException missing(String name, String why) {
            return new ConfigException(name + " is not set: " + why);
        }
    }

    /**
     * {@code PORT}, default 8080. 0 listens on a free port that the system picks, as the tests
     * do; harmless in a container, but nothing reaches it there, since Docker publishes 8080.
     */
    public int port() {
        return (int) whole("PORT", 8080, 0, 65535);
    }

    /** Reads {@code PORT} and {@code ADMIN_PORT} now: a bad one stops the service before any slow start-up work. */
    public void requirePorts() {
        adminPort();
        adminSubnet();
    }

    /**
     * {@code ADMIN_SUBNET}: the address block of the network where {@code /metrics} is served
     * (the container's address in it), or null to serve it on every address.
     */
    public IpBlock adminSubnet() {
        String text = text("ADMIN_SUBNET", "").strip();
        if (text.isEmpty()) {
            return null;
        }
        IpBlock block = IpBlock.parse(text);
        if (block == null) {
            throw ConfigException.invalid("ADMIN_SUBNET", text, "a CIDR block such as 172.18.0.0/16");
        }
        return block;
    }

    /**
     * {@code ADMIN_PORT}, default 9090: where {@code /metrics} is served, never the same as
     * {@code PORT}; 0 picks a free port, as for {@link #port()}.
     */
    public int adminPort() {
        int admin = (int) whole("ADMIN_PORT", 9090, 0, 65535);
        if (admin != 0 && admin == port()) {
            throw ConfigException.invalid("ADMIN_PORT", String.valueOf(admin), "a port other than PORT");
        }
        return admin;
    }

    /** {@code MAX_BODY_BYTES}, default 65536. */
    public long maxBodyBytes() {
        return whole("MAX_BODY_BYTES", 65536, 1, 64L * 1024 * 1024);
    }

    /** The request-head limits, {@code MAX_REQUEST_LINE_BYTES} and the others: see {@link Limits#from}. */
    public Limits limits() {
        return Limits.from(this);
    }

    /** A text value, or the default when unset or empty. */
    public String text(String name, String otherwise) {
        String value = env.get(name);
        return value == null || value.isBlank() ? otherwise : value.strip();
    }

    /** A whole number within [min, max], or the default when unset. */
    public long whole(String name, long otherwise, long min, long max) {
        String value = text(name, null);
        if (value == null) {
            return otherwise;
        }
        Long number = wholeWithin(value, min, max);
        if (number == null) {
            throw new ConfigException(name, value, "a whole number from " + min + " to " + max);
        }
        return number;
    }

    /**
     * The text as a whole number within [min, max], or null when it is not one (shared with query
     * parameters): ASCII digits only, with an optional sign, since {@code Long.parseLong} would
     * also read other scripts' digits (a fullwidth five as 5).
     */
    static Long wholeWithin(String text, long min, long max) {
        if (!ASCII_WHOLE.matcher(text).matches()) {
            return null;
        }
        try {
            long number = Long.parseLong(text);
            return number >= min && number <= max ? number : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A duration written {@code 500ms}, {@code 2s} or {@code 1m}, at least 1 ms; the default when unset. */
    public Duration duration(String name, Duration otherwise) {
        String value = text(name, null);
        if (value == null) {
            return otherwise;
        }
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            Duration duration = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                default -> Duration.ofMinutes(amount);
            };
            if (!duration.isZero()) {
                return duration;
            }
        }
        throw new ConfigException(name, value, "a duration such as 500ms, 2s or 1m");
    }

    /**
     * The content of the secret file whose path is in the variable (or the default path), without
     * its trailing newline: passwords come from files, never from the environment's values.
     */
    public String secretFile(String name, String defaultPath) {
        String path = text(name, defaultPath);
        String secret;
        try {
            secret = Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException(name, path,
                    "a readable file holding the secret (" + e.getClass().getSimpleName() + ")");
        }
        secret = secret.endsWith("\r\n") ? secret.substring(0, secret.length() - 2)
                : secret.endsWith("\n") ? secret.substring(0, secret.length() - 1) : secret;
        if (secret.isEmpty()) {
            throw new ConfigException(name, path, "a file holding the secret, not an empty one");
        }
        return secret;
    }

    /**
     * The path in the variable (or the default) of a data file the service writes, once its folder
     * is there and writable by this process, and the file too when it exists. Otherwise one line
     * saying what to mount: a container started without its volume has no such folder, or one that
     * belongs to root while the service runs as uid 1000.
     */
    public String dataFile(String name, String defaultPath) {
        String path = text(name, defaultPath);
        Path file;
        try {
            file = Path.of(path).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new ConfigException(name, path, "a file path");
        }
        Path folder = file.getParent();
        String setting = name + "=" + Problem.quote(path) + ": ";
        String fix = ": mount a volume there that this service's user may write (see the challenge's up.sh)";
        if (folder == null || !Files.isDirectory(folder)) {
            throw new ConfigException(setting + "the folder " + Problem.quote(String.valueOf(folder)) + " does not exist" + fix);
        }
        if (!Files.isWritable(folder) || Files.exists(file) && !Files.isWritable(file)) {
            String what = Files.isWritable(folder) ? "the file" : "the folder " + Problem.quote(folder.toString());
            throw new ConfigException(setting + what + " is not writable by this process" + fix);
        }
        return path;
    }

    /**
     * {@code HOSTNAME} (Docker sets it to the container's hostname), else the machine's name;
     * printable ASCII only, since services show it in bodies and headers.
     */
    public String hostname() {
        String name = text("HOSTNAME", null);
        if (name == null) {
            try {
                name = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                name = "unknown";
            }
        }
        return name.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** An absolute http(s) URL with a host, or the default when unset. */
    public URI url(String name, String otherwise) {
        String value = text(name, otherwise);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(name, value, "an http:// URL with a host, such as http://api:8080/");
    }
}
