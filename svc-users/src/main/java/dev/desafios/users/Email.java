package dev.desafios.users;

import dev.desafios.common.Problem;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A practical e-mail check, not all of RFC 5321: ASCII only, one {@code @}, a dot-atom local part
 * of at most 64 characters, and a domain of at least two dot-separated labels whose last one starts
 * with a letter. The domain is lower-cased; the local part is kept as written.
 */
final class Email {
    static final int MAX_LENGTH = 254;
    private static final int MAX_LOCAL = 64;
    private static final String ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final Pattern LOCAL = Pattern.compile(ATOM + "(\\." + ATOM + ")*");
    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern DOMAIN = Pattern.compile("(" + LABEL + "\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    private Email() {
    }

    /** The address with its domain lower-cased, or a 400 saying what is wrong. */
    static String normalise(String raw) {
        String email = raw.strip();
        if (email.isEmpty() || email.length() > MAX_LENGTH) {
            throw Problem.badRequest("field 'email' must have 1 to " + MAX_LENGTH + " characters");
        }
        int at = email.indexOf('@');
        if (at < 0 || at != email.lastIndexOf('@')) {
            throw Problem.badRequest("field 'email' must contain exactly one @, as in ada@example.org");
        }
        String local = email.substring(0, at);
        String domain = email.substring(at + 1).toLowerCase(Locale.ROOT);
        if (local.length() > MAX_LOCAL || !LOCAL.matcher(local).matches()) {
            throw Problem.badRequest("field 'email' has an invalid part before the @: at most " + MAX_LOCAL
                    + " of letters, digits and .!#$%&'*+/=?^_`{|}~- with no leading, trailing or double dot");
        }
        if (!DOMAIN.matcher(domain).matches()) {
            throw Problem.badRequest("field 'email' must end in a domain name with a dot, as in example.org");
        }
        return local + "@" + domain;
    }
}
