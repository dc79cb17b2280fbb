package dev.desafios.common;

import java.security.Security;

/** How every service's {@code main} starts: a bad setting stops it with one line naming the variable. */
public final class Services {
    private Services() {
    }

    /**
     * How long the JVM keeps DNS answers, in seconds (found, not found). Docker's DNS changes as
     * containers come and go, and the JVM would keep them 30 s and 10 s. These are security
     * properties: {@code -Dnetworkaddress.cache.ttl} is never read, and the JDK's own
     * java.security file sets the negative one, which outranks {@code sun.net.inetaddr.*}.
     * Call before the first lookup. Times already set are left alone: the images set the
     * services' own in {@code /app/java.security} ({@code -Djava.security.properties}, the parent
     * pom), and the first {@link Security#setProperty} starts the JDK's System.Logger
     * (docs/benchmarks.md).
     */
    public static void cacheDnsAnswers(String foundSeconds, String notFoundSeconds) {
        if (foundSeconds.equals(Security.getProperty("networkaddress.cache.ttl"))
                && notFoundSeconds.equals(Security.getProperty("networkaddress.cache.negative.ttl"))) {
            return;
        }
        Security.setProperty("networkaddress.cache.ttl", foundSeconds);
        Security.setProperty("networkaddress.cache.negative.ttl", notFoundSeconds);
    }

    /** What a main does once its configuration is read. */
    @FunctionalInterface
    public interface Startup {
        /** Reads the config, wires the parts and starts serving. */
        void start() throws Exception;
    }

    /** Runs the start-up; exits 2 with one line on stderr for a bad setting, 1 for any other failure. */
    public static void run(String serviceName, Startup startup) {
        cacheDnsAnswers("3", "1");
        try {
            startup.start();
        } catch (Config.ConfigException e) {
            System.err.println(serviceName + ": " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            Log.error(serviceName + " failed to start", e);
            System.exit(1);
        }
    }
}
