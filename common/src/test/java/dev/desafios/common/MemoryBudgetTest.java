package dev.desafios.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void reserve_overTheBudget_503WithRetryAfterAndNothingTaken() {
        var budget = new MemoryBudget(64 * 1024);
        var reservation = budget.reservation();
        reservation.reserve(48 * 1024);
        Problem busy = assertThrows(Problem.class, () -> reservation.reserve(32 * 1024));
        assertEquals(503, busy.status());
        assertEquals("1", busy.headers().values().get("Retry-After"));
        assertEquals(16, budget.available());
    }

    @Test
    void release_afterReserving_everythingBackOnce() {
        var budget = new MemoryBudget(64 * 1024);
        var reservation = budget.reservation();
        reservation.reserve(10 * 1024);
        reservation.reserve(20 * 1024);
        reservation.release();
        reservation.release();
        assertEquals(64, budget.available());
    }

    @Test
    void keepOnly_afterTheWorstCase_givesBackTheRestAndReleasesWhatIsKept() {
        var budget = new MemoryBudget(64 * 1024);
        var answer = budget.reservation();
        answer.reserveAtLeast(40 * 1024);
        answer.reserveAtLeast(30 * 1024);
        assertEquals(24, budget.available());
        answer.keepOnly(8 * 1024);
        assertEquals(56, budget.available());
        answer.release();
        assertEquals(64, budget.available());
    }

    @Test
    void reservations_ofTwoExchanges_areKeptApart() {
        var budget = new MemoryBudget(64 * 1024);
        var first = budget.reservation();
        var second = budget.reservation();
        first.reserve(16 * 1024);
        second.reserve(32 * 1024);
        first.release();
        assertEquals(32, budget.available());
        second.release();
        assertEquals(64, budget.available());
    }
}
