package dev.desafios.gateway;

import dev.desafios.common.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * TLS termination at the gateway, on when {@code TLS_KEYSTORE_FILE} names a PKCS#12 keystore (the
 * certificate and its key): requests are served on {@code TLS_PORT} (default 8443) over TLS 1.3
 * or 1.2, and {@code PORT} answers each one with a 308 to the https URL ({@link TlsRedirect}). The
 * keystore's password is read from {@code TLS_KEYSTORE_PASSWORD_FILE}, never from the environment.
 *
 * @param port         {@code TLS_PORT}, default 8443
 * @param redirectPort {@code TLS_REDIRECT_PORT}, default TLS_PORT: the port in the redirect's
 *                     URL, the one the host publishes TLS_PORT on
 * @param context      the key and certificate, ready to serve
 */
record GatewayTls(int port, int redirectPort, SSLContext context) {

    /** The TLS settings, or null when TLS_KEYSTORE_FILE is not set. A keystore that cannot be read stops the service. */
    static GatewayTls from(Config config) {
        String file = config.text("TLS_KEYSTORE_FILE", "").strip();
        if (file.isEmpty()) {
            return null;
        }
        int port = (int) config.whole("TLS_PORT", 8443, 1, 65535);
        if (port == config.port()) {
            throw Config.ConfigException.invalid("TLS_PORT", String.valueOf(port), "a port other than PORT");
        }
        int redirectPort = (int) config.whole("TLS_REDIRECT_PORT", port, 1, 65535);
        char[] password = config.secretFile("TLS_KEYSTORE_PASSWORD_FILE", "/run/secrets/tls_keystore_password")
                .toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            var keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            var managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return new GatewayTls(port, redirectPort, context);
        } catch (IOException | InvalidPathException | GeneralSecurityException e) {
            // The message names the file and the kind of failure, never the password.
            throw Config.ConfigException.invalid("TLS_KEYSTORE_FILE", file,
                    "a readable PKCS#12 keystore whose password is in TLS_KEYSTORE_PASSWORD_FILE ("
                            + e.getClass().getSimpleName() + ")");
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
