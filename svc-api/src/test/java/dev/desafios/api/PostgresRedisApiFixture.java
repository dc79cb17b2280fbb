package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.testing.TcpProxy;
import dev.desafios.common.testing.TestHttp;
import dev.desafios.common.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Challenge 3 through HTTP, against the real PostgreSQL and Redis named by the environment (see
 * {@link TestStores} for the variables), with faults from a {@link TcpProxy} in front of them: what
 * its tests share. Each test starts the servers it needs; every one is stopped after it.
 */
abstract class PostgresRedisApiFixture {
    /** The servers named by the environment: a missing variable fails every test. */
    static TestStores stores;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    /** The server that {@link #start} started last. */
    TestServer lastServer;

    @BeforeAll
    static void findStores() {
        stores = TestStores.fromEnvironment();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose.reversed()) {
            closeable.close();
        }
    }

    /** Starts the API on these stores with the overrides, and a client for it; both closed after the test. */
    TestHttp start(Map<String, String> overrides) {
        var server = new TestServer(() -> ApiService.start(TestServer.freePorts(stores.apiEnv(overrides)))).begin();
        lastServer = server;
        toClose.add(server);
        return server.http();
    }

    /** A proxy in front of a store, closed after the test. */
    TcpProxy proxy(String host, int port) {
        var proxy = new TcpProxy(host, port);
        toClose.add(proxy);
        return proxy;
    }

    /** A column of the access row with this id, read directly. */
    static String stored(long id, String column) throws Exception {
        try (var connection = stores.connect();
             var select = connection.prepareStatement("SELECT " + column + " FROM accesses WHERE id = ?")) {
            select.setLong(1, id);
            try (var row = select.executeQuery()) {
                assertTrue(row.next(), "row " + id + " exists");
                return row.getString(1);
            }
        }
    }
}
