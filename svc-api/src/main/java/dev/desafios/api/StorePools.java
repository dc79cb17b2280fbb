package dev.desafios.api;

import dev.desafios.common.ConnectionPool;
import dev.desafios.common.DatabasePools;
import java.time.Duration;
import org.apache.commons.pool2.PooledObject;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisFactory;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * The connection pools of challenge 3, with a bound on every wait: connect, login, read, borrow.
 * One pair per kind of work ({@link StoreConnections}), each session named after its kind.
 */
final class StorePools {
    /** How long a request waits for a free connection before it gets a 503 (the same for both stores). */
    static final Duration BORROW_TIMEOUT = DatabasePools.BORROW_TIMEOUT;
    /** A pooled connection idle for longer than this is checked before use (the same for both stores). */
    static final Duration VALIDATE_AFTER_IDLE = DatabasePools.VALIDATE_AFTER_IDLE;

    /** Start of every session's application name: svc-api/{store}/{kind}/{connection}. */
    static final String SESSION_PREFIX = "svc-api/";

    /** Redis connections for the reads of {@code /visits} (one short GET each). */
    static final int REDIS_READ_CONNECTIONS = 16;
    private static final int REDIS_TIMEOUT_MS = 2000;

    private StorePools() {
    }

    /** A name shared by the sessions of one store, so that each API's sessions can be told apart. */
    static String storeName() {
        return DatabasePools.storeName(SESSION_PREFIX.substring(0, SESSION_PREFIX.length() - 1));
    }

    /** Connections of their own for one kind of work: at most {@code postgresSize} and {@code redisSize}. */
    static StoreConnections connections(StoreSettings settings, String store, String kind, int postgresSize,
                                        int redisSize) {
        return new StoreConnections(postgres(settings, store + kind + "/", postgresSize), redis(settings, redisSize));
    }

    /**
     * The JDBC pool (common's, with PostgreSQL's driver). Each connection is named, so that the
     * session of a write whose outcome is unknown can be found and ended (AccessWriter), and no other.
     */
    static ConnectionPool postgres(StoreSettings settings, String pool, int size) {
        return DatabasePools.open(settings.db(), new org.postgresql.Driver(), pool, size);
    }

    /** Jedis's pool, checking on borrow only the connections idle for a while (a PING) and dropping broken ones. */
    static JedisPool redis(StoreSettings settings, int size) {
        JedisClientConfig client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(REDIS_TIMEOUT_MS)
                .socketTimeoutMillis(REDIS_TIMEOUT_MS)
                .password(settings.redisPassword())
                .database(settings.redisDatabase())
                .build();
        var config = new JedisPoolConfig();
        config.setMaxTotal(size);
        config.setMaxIdle(size);
        config.setMaxWait(BORROW_TIMEOUT);
        config.setTestOnBorrow(true);
        config.setTestWhileIdle(true);
        config.setJmxEnabled(false);
        var address = new HostAndPort(settings.redisHost(), settings.redisPort());
        return new JedisPool(config, new IdleCheckedFactory(address, client));
    }

    /** Pings a connection only when it sat idle long enough for its server to have gone away. */
    private static final class IdleCheckedFactory extends JedisFactory {
        IdleCheckedFactory(HostAndPort address, JedisClientConfig client) {
            super(address, client);
        }

        @Override
        public boolean validateObject(PooledObject<Jedis> pooled) {
            if (pooled.getIdleDuration().compareTo(VALIDATE_AFTER_IDLE) < 0) {
                return pooled.getObject().isConnected() && !pooled.getObject().isBroken();
            }
            return super.validateObject(pooled);
        }
    }
}
