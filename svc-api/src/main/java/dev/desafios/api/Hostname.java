package dev.desafios.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** The container's hostname (Docker sets it to the short container id), shown in every answer. */
final class Hostname {
    private Hostname() {
    }

    static String of(Map<String, String> env) {
        String fromEnv = env.get("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
