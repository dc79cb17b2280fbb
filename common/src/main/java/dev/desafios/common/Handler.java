package dev.desafios.common;

/** A route's handler: reads a {@link Request}, returns a {@link Response} or throws a {@link Problem}. */
@FunctionalInterface
public interface Handler {
    /** Answers one request. */
    Response handle(Request request) throws Exception;
}
