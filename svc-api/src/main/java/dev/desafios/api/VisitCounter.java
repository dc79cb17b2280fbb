package dev.desafios.api;

import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * The Redis side of challenge 3: the visit counter and, beside it, the id of the last access row
 * it counts (its mark). Both move together in one script, and only from the mark the caller
 * expects, so an increment sent twice (its answer lost, then sent again) counts once, and the
 * rows above the mark are exactly the rows still to be counted.
 */
final class VisitCounter {
    static final String COUNTER_KEY = "desafio3:visits";
    static final String MARK_KEY = "desafio3:visits:counted-to";

    /** Adds ARGV[2] and moves the mark from ARGV[1] to ARGV[3]; nil, and nothing done, when the mark is elsewhere. */
    private static final String ADD = """
            if redis.call('GET', KEYS[2]) ~= ARGV[1] then return false end
            redis.call('SET', KEYS[2], ARGV[3])
            return redis.call('INCRBY', KEYS[1], ARGV[2])""";
    /**
     * Sets a mark where there is none: every row up to ARGV[2] is taken as counted. A counter
     * that is missing too (a new Redis beside old rows) starts from the rows, ARGV[1]; one that
     * exists (kept from before marks existed) is left as it is.
     */
    private static final String ADOPT = """
            if redis.call('EXISTS', KEYS[2]) == 0 then
              if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
              redis.call('SET', KEYS[2], ARGV[2])
            end
            return redis.call('GET', KEYS[2])""";

    private VisitCounter() {
    }

    /** The counter after adding {@code count} rows up to {@code to}; null when the mark was not {@code from}. */
    static Long add(Jedis jedis, long from, long count, long to) {
        Object after = jedis.eval(ADD, List.of(COUNTER_KEY, MARK_KEY),
                List.of(Long.toString(from), Long.toString(count), Long.toString(to)));
        return after == null ? null : (Long) after;
    }

    /** The mark, or null when Redis has none. */
    static Long mark(Jedis jedis) {
        String mark = jedis.get(MARK_KEY);
        return mark == null ? null : Long.parseLong(mark);
    }

    /** Sets the mark when there is none ({@link #ADOPT}) and returns the mark. */
    static long adopt(Jedis jedis, long rows, long lastId) {
        Object mark = jedis.eval(ADOPT, List.of(COUNTER_KEY, MARK_KEY), List.of(Long.toString(rows), Long.toString(lastId)));
        return Long.parseLong((String) mark);
    }

    /** The counter and its mark, read together. */
    record CounterState(long visits, Long mark) {
    }

    /** The counter (0 when missing) and its mark (null when missing), in one command. */
    static CounterState state(Jedis jedis) {
        List<String> values = jedis.mget(COUNTER_KEY, MARK_KEY);
        return new CounterState(values.get(0) == null ? 0L : Long.parseLong(values.get(0)),
                values.get(1) == null ? null : Long.parseLong(values.get(1)));
    }

    /** The counter, 0 when missing. */
    static long value(Jedis jedis) {
        String count = jedis.get(COUNTER_KEY);
        return count == null ? 0L : Long.parseLong(count);
    }
}
