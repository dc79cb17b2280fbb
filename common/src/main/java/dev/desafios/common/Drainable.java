package dev.desafios.common;

/** A resource of a server that is told when the server's drain starts, and when it will end. */
public interface Drainable extends AutoCloseable {
    /** The server stops taking connections now and closes the rest at {@code endNanos} ({@link System#nanoTime()}). */
    void draining(long endNanos);
}
