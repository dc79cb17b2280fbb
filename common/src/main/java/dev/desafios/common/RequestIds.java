package dev.desafios.common;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The {@code X-Request-Id} rules: a safe client value is kept, anything else replaced. */
public final class RequestIds {
    /** The header every service reads, returns and forwards. */
    public static final String HEADER = "X-Request-Id";

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RequestIds() {
    }

    /** The client's id when it is 1-64 characters of [A-Za-z0-9._-]; a new one otherwise (never echoing a bad one). */
    public static String acceptOrGenerate(String fromClient) {
        return fromClient != null && SAFE.matcher(fromClient).matches() ? fromClient : generate();
    }

    /** A new random id: 16 hex characters. */
    public static String generate() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
