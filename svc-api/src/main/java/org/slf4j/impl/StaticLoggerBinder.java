package org.slf4j.impl;

import org.slf4j.ILoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/**
 * Binds slf4j 1.7, the logging API of Jedis, to slf4j's own no-op logger. Without a binding slf4j
 * prints three "SLF4J:" lines to stderr at start; with this one the log stays one JSON object
 * per line. Jedis's failures still reach the service as exceptions, which it logs itself.
 * slf4j 2 looks for providers instead: revisit this class if Jedis moves to it.
 */
public final class StaticLoggerBinder implements LoggerFactoryBinder {
    /** Read by slf4j to check that the binding fits; not final, so that it is not inlined. */
    public static String REQUESTED_API_VERSION = "1.6.99";

    private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

    private final ILoggerFactory factory = new NOPLoggerFactory();

    private StaticLoggerBinder() {
    }

    /** The binding slf4j asks for. */
    public static StaticLoggerBinder getSingleton() {
        return SINGLETON;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public String getLoggerFactoryClassStr() {
        return NOPLoggerFactory.class.getName();
    }
}
