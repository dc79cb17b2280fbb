package dev.desafios.common;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request body may be sent as: without a content coding and, when its type names a
 * charset, in UTF-8. A service that stored a gzip body as text, or read UTF-16 as UTF-8, would
 * keep garbage and answer 2xx; each of these is a 415 instead (RFC 9110 sections 8.4 and 15.5.16).
 */
final class BodyEncoding {
    /** One {@code ; name=value} parameter of a media type, the value a token or a quoted string. */
    private static final Pattern PARAMETER = Pattern.compile(
            ";\\s*([^\\s;=]+)\\s*=\\s*(\"(?:[^\"\\\\]|\\\\.)*\"?|[^;]*)");

    /** A charset parameter without a value, which names no charset at all. */
    private static final Pattern BARE_CHARSET = Pattern.compile("(?i);\\s*charset\\s*(;|$)");

    private BodyEncoding() {
    }

    /**
     * Refuses any content coding but identity, in any of the header's lines and list members
     * (case-insensitive); an empty member is nothing (RFC 9110 section 5.6.1).
     */
    static void requireIdentity(List<String> contentEncodings) {
        if (contentEncodings == null) {
            return;
        }
        for (String line : contentEncodings) {
            for (String member : line.split(",")) {
                String coding = member.strip();
                if (!coding.isEmpty() && !coding.equalsIgnoreCase("identity")) {
                    throw Problem.unsupportedContentCoding(coding);
                }
            }
        }
    }

    /** Refuses a charset parameter other than utf-8 (case-insensitive, quoted or not); none means UTF-8. */
    static void requireUtf8(String contentType) {
        if (contentType == null) {
            return;
        }
        if (BARE_CHARSET.matcher(contentType).find()) {
            throw Problem.unsupportedCharset("");
        }
        Matcher parameter = PARAMETER.matcher(contentType);
        while (parameter.find()) {
            String name = parameter.group(1);
            if (name.equalsIgnoreCase("charset*")) {
                // RFC 2231's extended form: a charset written in a charset, never utf-8 as plainly sent.
                throw Problem.unsupportedCharset(unquote(parameter.group(2).strip()));
            }
            if (name.equalsIgnoreCase("charset")) {
                String charset = unquote(parameter.group(2).strip());
                if (!charset.toLowerCase(Locale.ROOT).equals("utf-8")) {
                    throw Problem.unsupportedCharset(charset);
                }
            }
        }
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        return value;
    }
}
