package dev.desafios.common;

/** How every service's {@code main} starts: a bad setting stops it with one line naming the variable. */
public final class Services {
    private Services() {
    }

    /** What a main does once its configuration is read. */
    @FunctionalInterface
    public interface Startup {
        /** Reads the config, wires the parts and starts serving. */
        void start() throws Exception;
    }

    /** Runs the start-up; exits 2 with one line on stderr for a bad setting, 1 for any other failure. */
    public static void run(String serviceName, Startup startup) {
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
