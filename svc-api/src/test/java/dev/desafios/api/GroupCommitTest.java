package dev.desafios.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.desafios.common.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GroupCommitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String STALLED = "the store is not answering";

    /** A writer that takes 20 ms a batch, answers each item doubled, and notes each batch's size. */
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final Function<List<Integer>, List<Integer>> slowDoubler = items -> {
        batchSizes.add(items.size());
        sleep(20);
        return items.stream().map(item -> item * 2).toList();
    };

    @Test
    void submit_concurrently_batchesTheItemsAndAnswersEachItsOwn() throws Exception {
        var answers = new ConcurrentHashMap<Integer, Integer>();
        try (var commits = new GroupCommit<>("test", 1, 64, WAIT, STALLED, slowDoubler);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                int item = i;
                threads.submit(() -> answers.put(item, commits.submit(item)));
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }

        assertEquals(100, answers.size());
        answers.forEach((item, answer) -> assertEquals(item * 2, answer, "item " + item + " got its own answer"));
        assertEquals(100, batchSizes.stream().mapToInt(Integer::intValue).sum(), "each item written once");
        assertTrue(batchSizes.size() < 50, "items waiting together share a batch: " + batchSizes);
    }

    @Test
    void submit_alone_isWrittenAtOnceInABatchOfOne() {
        try (var commits = new GroupCommit<>("test", 2, 64, WAIT, STALLED, slowDoubler)) {
            assertEquals(14, commits.submit(7));
        }
        assertEquals(List.of(1), batchSizes);
    }

    @Test
    void submit_whenTheBatchFails_everyItemOfItGetsTheFailureAndLaterItemsSucceed() throws Exception {
        var outage = Problem.unavailable("postgres is unavailable");
        var failNext = new AtomicBoolean(true);
        Function<List<Integer>, List<Integer>> writer = items -> {
            sleep(50);
            if (failNext.getAndSet(false)) {
                throw outage;
            }
            return items;
        };
        try (var commits = new GroupCommit<>("test", 1, 64, WAIT, STALLED, writer);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> first = threads.submit(() -> commits.submit(1));
            var failure = assertThrows(ExecutionException.class, first::get);
            assertSame(outage, failure.getCause(), "the writer's own problem, for the 503 it names");
            assertEquals(2, commits.submit(2));
        }
    }

    @Test
    void submit_afterTheWriterHitAnError_isStillWritten() {
        var failNext = new AtomicBoolean(true);
        Function<List<Integer>, List<Integer>> writer = items -> {
            if (failNext.getAndSet(false)) {
                throw new StackOverflowError("deep inside the driver");
            }
            return items;
        };
        try (var commits = new GroupCommit<>("test", 1, 64, WAIT, STALLED, writer)) {
            assertEquals(503, assertThrows(Problem.class, () -> commits.submit(1)).status());
            assertEquals(2, commits.submit(2), "the one writer survived the error");
        }
    }

    @Test
    void close_finishesWhatWasSubmittedThenRefuses() throws Exception {
        Map<Integer, Integer> answers = new ConcurrentHashMap<>();
        var commits = new GroupCommit<>("test", 1, 64, WAIT, STALLED, slowDoubler);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10; i++) {
                int item = i;
                threads.submit(() -> answers.put(item, commits.submit(item)));
            }
            sleep(100);
            commits.close();
        }

        assertEquals(10, answers.size(), "submitted before close, answered");
        var refused = assertThrows(Problem.class, () -> commits.submit(99));
        assertEquals(503, refused.status());
    }

    @Test
    @Timeout(30)
    void submit_whileTheWriterIsStuck_givesUpAfterTheQueueWaitAndTheItemIsNeverWritten() throws Exception {
        var written = new CopyOnWriteArrayList<Integer>();
        var stuck = new CountDownLatch(1);
        var tookFirst = new CountDownLatch(1);
        Function<List<Integer>, List<Integer>> writer = items -> {
            if (items.contains(1)) {
                tookFirst.countDown();
                await(stuck);
            }
            written.addAll(items);
            return items;
        };
        try (var commits = new GroupCommit<>("test", 1, 64, Duration.ofMillis(100), STALLED, writer);
             var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Integer> first = threads.submit(() -> commits.submit(1));
            assertTrue(tookFirst.await(5, TimeUnit.SECONDS), "the writer took the first item");
            long start = System.nanoTime();
            var refused = assertThrows(Problem.class, () -> commits.submit(2));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(503, refused.status());
            assertEquals(STALLED, refused.getMessage());
            assertTrue(waitedMs < 1_000, "gave up after the queue wait, not the stuck write: " + waitedMs + " ms");
            stuck.countDown();
            assertEquals(1, first.get(5, TimeUnit.SECONDS), "the item the writer had taken is answered");
            assertEquals(3, commits.submit(3));
        }
        assertEquals(List.of(1, 3), new ArrayList<>(written), "the given-up item was never written");
    }

    @Test
    @Timeout(30)
    void submit_whenItsBatchIsStuck_answers503WithinTheAnswerTimeAndTheBatchStillCompletes() throws Exception {
        var stuck = new CountDownLatch(1);
        var written = new CopyOnWriteArrayList<Integer>();
        Function<List<Integer>, List<Integer>> writer = items -> {
            await(stuck);
            written.addAll(items);
            return items;
        };
        try (var commits = new GroupCommit<>("test", 1, 64, Duration.ofMillis(100), STALLED, writer)) {
            long start = System.nanoTime();
            var refused = assertThrows(Problem.class, () -> commits.submit(1));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(503, refused.status());
            assertEquals(STALLED, refused.getMessage());
            long answerWithin = GroupCommit.ANSWER_WITHIN.toMillis();
            assertTrue(waitedMs >= answerWithin && waitedMs < answerWithin + 500,
                    "answered by the deadline, not by the stuck write: " + waitedMs + " ms");
            stuck.countDown();
            assertEquals(2, commits.submit(2));
        }
        assertEquals(List.of(1, 2), new ArrayList<>(written), "the late batch was still written (and would be counted)");
    }

    @Test
    @Timeout(30)
    void submit_whileTheGateIsClosed_givesUpAfterTheQueueWaitThenWritesOnceItOpens() {
        var written = new CopyOnWriteArrayList<Integer>();
        var open = new AtomicBoolean(false);
        Function<List<Integer>, List<Integer>> writer = items -> {
            written.addAll(items);
            return items;
        };
        try (var commits = new GroupCommit<>("test", 1, 64, Duration.ofMillis(200), STALLED, writer, open::get)) {
            long start = System.nanoTime();
            var refused = assertThrows(Problem.class, () -> commits.submit(1));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;

            assertEquals(503, refused.status());
            assertEquals(STALLED, refused.getMessage());
            assertTrue(waitedMs < 1_000, "gave up after the queue wait: " + waitedMs + " ms");
            open.set(true);
            assertEquals(2, commits.submit(2));
        }
        assertEquals(List.of(2), new ArrayList<>(written), "nothing was written while the gate was closed");
    }

    @Test
    @Timeout(30)
    void submit_interruptedByAStop_answersStoppingAndTheItemIsNeverWritten() throws Exception {
        var written = new CopyOnWriteArrayList<Integer>();
        var open = new AtomicBoolean(false);
        Function<List<Integer>, List<Integer>> writer = items -> {
            written.addAll(items);
            return items;
        };
        try (var commits = new GroupCommit<>("test", 1, 64, WAIT, STALLED, writer, open::get)) {
            var failure = new java.util.concurrent.CompletableFuture<Problem>();
            Thread submitter = Thread.ofVirtual().start(() -> {
                try {
                    commits.submit(1);
                    failure.complete(null);
                } catch (Problem problem) {
                    failure.complete(problem);
                }
            });
            // The item waits in the queue behind the closed gate until the stop interrupts it.
            submitter.interrupt();
            Problem problem = failure.get(5, TimeUnit.SECONDS);

            assertEquals(503, problem.status());
            assertEquals("the service is stopping", problem.getMessage());
            open.set(true);
            assertEquals(2, commits.submit(2));
        }
        assertEquals(List.of(2), new ArrayList<>(written), "the interrupted submitter's item was never written");
    }

    @Test
    void submit_whenTheGateThrows_waitsForItAndTheWriterLivesOn() {
        var calls = new java.util.concurrent.atomic.AtomicInteger();
        try (var commits = new GroupCommit<>("test", 1, 64, WAIT, STALLED, slowDoubler, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("a store answered nonsense");
            }
            return true;
        })) {
            assertEquals(6, commits.submit(3));
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
