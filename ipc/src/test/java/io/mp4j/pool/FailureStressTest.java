package io.mp4j.pool;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedIntArray;
import io.mp4j.shared.SharedLong;
import io.mp4j.shared.SharedLongArray;
import io.mp4j.sharedstate.Children;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedMutex;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a worker again and again, in rounds, and accounts for every task result, queue message and
 * counter increment. Each round runs, against real child JVMs and one after the other:
 * <ol>
 *     <li><b>pool</b>: a map of {@value #POOL_ITEMS} items over a pool of 2 workers ({@code map} in rounds
 *     1, 2, 5, 6..., {@code imapUnordered} in rounds 3, 4, 7, 8..., at a random chunk size) during which a
 *     random worker is SIGKILLed (in odd rounds while it is caught running an item, so that its chunk must
 *     run again); every result must come back exactly once and right, and the pool must go on serving;</li>
 *     <li><b>queue</b>: {@value #PRODUCERS} producer JVMs put {@value #MESSAGES_PER_PRODUCER} numbered
 *     messages each on a {@link SharedQueue} that {@value #CONSUMERS} consumer JVMs take from; a random
 *     consumer is SIGKILLed mid-stream (in odd rounds while it is decoding a message, so holds its slot:
 *     it is stopped with SIGSTOP until it is caught doing so); the survivors stop, the parent drains what
 *     is left, and every message must have been received exactly once;</li>
 *     <li><b>lock</b>: {@value #COUNTERS} JVMs add 1 to a shared counter under a {@link SharedLock} (or, in
 *     rounds 3, 4, 7, 8..., the counter's own lock) and count their own increments in their slot of
 *     a shared array under the same lock; one is SIGKILLed part-way: in odd rounds whichever holds the lock
 *     (all are stopped with SIGSTOP to find it), in even rounds a random one at a random moment; the lock
 *     must be recovered and the counter must equal the sum of the slots and reach its target exactly.</li>
 * </ol>
 * Every kill lands mid-run: work past a gate (items, messages, increments) waits until the kill is done.
 * After each round no child JVM may still run and no child or pool file may be left in the session.
 * <p>
 * System properties:
 * <ul>
 *     <li>{@value #ROUNDS_PROPERTY}: how many rounds, default {@value #DEFAULT_ROUNDS} (CI-sized: 15 to 25 s
 *     on 2 busy cores); {@code -Dmp4j.stress.rounds=20} for a long run (about 100 s);</li>
 *     <li>{@value #SEED_PROPERTY}: the seed of every random choice (which worker dies and when, chunk sizes);
 *     default a fresh one, printed first. A failure names its round and seed; passing that seed replays the
 *     same choices (timing still differs from run to run).</li>
 * </ul>
 * For example:
 * {@code mvn -B verify -pl core,ipc -Dtest=FailureStressTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmp4j.stress.rounds=20}; the output, one line per scenario and round, is in
 * {@code ipc/target/surefire-reports/io.mp4j.pool.FailureStressTest-output.txt}.
 */
@ExtendWith(NoLeaksExtension.class)
class FailureStressTest
{
    static final String ROUNDS_PROPERTY = "mp4j.stress.rounds";
    static final String SEED_PROPERTY = "mp4j.stress.seed";
    static final int DEFAULT_ROUNDS = 3;

    /** A round takes a few seconds; this bounds one that hangs, with room for a machine that is busy. */
    private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration JOIN = Duration.ofSeconds(60);

    static final int POOL_ITEMS = 3_000;
    private static final int MAX_CHUNKSIZE = 8;
    private static final long TASK_NANOS = 100_000;

    static final int PRODUCERS = 2;
    static final int CONSUMERS = 2;
    static final int MESSAGES_PER_PRODUCER = 10_000;
    private static final int QUEUE_CAPACITY = 64;
    private static final int STOP = -1;
    private static final long DRAIN_WAIT_MILLIS = 1_000;
    private static final long DECODE_NANOS = 20_000;

    static final int COUNTERS = 3;
    private static final long INCREMENTS = 12_000;
    private static final long INSIDE_LOCK_NANOS = 2_000;
    private static final long OUTSIDE_LOCK_NANOS = 500;
    private static final int TAKEOVERS = 0;
    private static final int REPAIRED = 1;
    private static final int IMPOSSIBLE_GAPS = 2;

    @Test
    void shouldAccountForEveryResultMessageAndIncrementWhileRandomWorkersAreKilled() throws Exception
    {
        final int rounds = Integer.getInteger(ROUNDS_PROPERTY, DEFAULT_ROUNDS);
        final Long seedProperty = Long.getLong(SEED_PROPERTY);
        final long seed = seedProperty != null ? seedProperty : new SecureRandom().nextLong();
        log("rounds=" + rounds + " seed=" + seed + " (replay the choices with -D" + SEED_PROPERTY + '=' + seed + ')');
        final Random seeds = new Random(seed);
        final Set<Path> filesBefore = sessionFiles();

        final long start = System.nanoTime();
        for (int round = 1; round <= rounds; round++)
        {
            final String where = "round=" + round + '/' + rounds + " seed=" + seed;
            final Random random = new Random(seeds.nextLong());
            final boolean odd = round % 2 == 1;
            final boolean secondPair = (round - 1) / 2 % 2 == 1; // rounds 3, 4, 7, 8...
            final long roundStart = System.nanoTime();
            try
            {
                assertTimeoutPreemptively(ROUND_TIMEOUT, () ->
                {
                    mapWhileAWorkerIsKilled(random, secondPair, odd, where);
                    takeWhileAConsumerIsKilled(random, odd, where);
                    countUnderALockWhileACounterIsKilled(random, odd, secondPair, where);
                }, () -> "stress round did not finish in " + ROUND_TIMEOUT);
                NoLeaksExtension.assertNoLeaks(where, p -> !filesBefore.contains(p) && isChildOrPoolFile(p));
            }
            catch (final Throwable failure)
            {
                throw new AssertionError("stress failure at " + where + " (replay the choices with -D" +
                    SEED_PROPERTY + '=' + seed + "): " + failure.getMessage(), failure);
            }
            log(where + " done millis=" + millisSince(roundStart));
        }
        log("rounds=" + rounds + " seed=" + seed + " all done millis=" + millisSince(start));
    }

    // ------------------------------------------------------------------ pool

    /**
     * Maps items on a pool of 2 and SIGKILLs a random worker once some results are in and it has started
     * on its chunks: when killMidTask, at a moment it is caught running an item (it is stopped with
     * SIGSTOP until it is), so that chunk must run again; else at a random moment. Items from the gate on
     * wait until the kill is done, so the victim always dies with chunks in hand.
     */
    private static void mapWhileAWorkerIsKilled(
        final Random random, final boolean unordered, final boolean killMidTask, final String where) throws Exception
    {
        final long start = System.nanoTime();
        final int chunksize = 1 + random.nextInt(MAX_CHUNKSIZE);
        final int gateAt = POOL_ITEMS / 2;
        final int killAfter = POOL_ITEMS / 10 + random.nextInt(POOL_ITEMS / 3);
        final List<Integer> items = IntStream.range(0, POOL_ITEMS).boxed().collect(Collectors.toList());
        final SharedLong executions = SharedLong.createRaw(0);
        final SharedLong victimExecutions = SharedLong.createRaw(0);
        final SharedInt victimRunning = SharedInt.createRaw(0);
        final SharedInt gate = SharedInt.createRaw(0);

        try (Pool pool = new Pool(2))
        {
            final List<Long> pids = pool.workerPids();
            final long victim = pids.get(random.nextInt(pids.size()));
            assertTrue(victim > 0, () -> "workers: " + pids);
            final PoolFunction<Integer, Long> function = item ->
            {
                executions.incrementAndGet();
                final boolean isVictim = ProcessHandle.current().pid() == victim;
                if (isVictim)
                {
                    victimExecutions.incrementAndGet();
                    victimRunning.set(1);
                }
                while (item >= gateAt && gate.get() == 0)
                {
                    Thread.sleep(1);
                }
                spin(TASK_NANOS);
                if (isVictim)
                {
                    victimRunning.set(0);
                }
                return resultOf(item);
            };

            final List<Long> results = new ArrayList<>();
            final Iterator<Long> streamed = unordered ? pool.imapUnordered(function, items, chunksize) : null;
            final CompletableFuture<List<Long>> mapped = unordered ? null : pool.mapAsync(function, items, chunksize);
            if (unordered)
            {
                while (results.size() < killAfter)
                {
                    results.add(streamed.next());
                }
            }
            // The victim's JVM may start late; its ring holds chunks for it all the same.
            while (executions.get() < killAfter || victimExecutions.get() == 0)
            {
                if (mapped != null && mapped.isDone())
                {
                    mapped.get(); // a failure shows itself here
                    fail("the map ended before its worker was killed");
                }
                Thread.sleep(1);
            }

            boolean caughtRunning = false;
            int attempts = 0;
            if (killMidTask)
            {
                while (!caughtRunning)
                {
                    attempts++;
                    caughtRunning = TestProcesses.killIfCaught(victim, () -> victimRunning.get() == 1);
                }
            }
            else
            {
                ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
            }
            TestProcesses.awaitExit(victim);
            gate.set(1);

            if (unordered)
            {
                streamed.forEachRemaining(results::add);
                assertEachItemOnce(results);
            }
            else
            {
                results.addAll(mapped.get());
                assertEquals(expectedResults(POOL_ITEMS), results, "map results, in item order, after a worker was killed");
            }
            if (caughtRunning)
            {
                assertTrue(executions.get() > POOL_ITEMS,
                    () -> "the chunk the victim died running was run again: executions=" + executions.get());
            }
            assertFalse(pool.workerPids().contains(victim), () -> "the killed worker is not serving: " + pool.workerPids());
            assertEquals(expectedResults(50), pool.map(FailureStressTest::resultOf, items.subList(0, 50)),
                "the pool goes on serving");
            log(where + " pool " + (unordered ? "imapUnordered" : "map") + " items=" + POOL_ITEMS +
                " chunksize=" + chunksize + " killedWorker=" + victim + " after=" + killAfter +
                (killMidTask ? " running=" + caughtRunning + " attempts=" + attempts : " atRandom") +
                " victimExecutions=" + victimExecutions.get() + " executions=" + executions.get() +
                " (" + (executions.get() - POOL_ITEMS) + " run again) millis=" + millisSince(start));
        }
    }

    private static long resultOf(final int item)
    {
        return item * 1_000_003L + 17;
    }

    private static List<Long> expectedResults(final int count)
    {
        return IntStream.range(0, count).mapToObj(FailureStressTest::resultOf).collect(Collectors.toList());
    }

    private static void assertEachItemOnce(final List<Long> results)
    {
        final int[] seen = new int[POOL_ITEMS];
        for (final long result : results)
        {
            final long item = (result - 17) / 1_000_003L;
            assertTrue(item >= 0 && item < POOL_ITEMS && resultOf((int)item) == result, () -> "not a result: " + result);
            seen[(int)item]++;
        }
        final List<Integer> wrong = IntStream.range(0, POOL_ITEMS).filter(i -> seen[i] != 1).boxed().collect(Collectors.toList());
        assertTrue(wrong.isEmpty(), () -> "items not seen exactly once (item=times): " +
            wrong.stream().limit(20).map(i -> i + "=" + seen[i]).collect(Collectors.joining(", ")));
        assertEquals(POOL_ITEMS, results.size());
    }

    // ------------------------------------------------------------------ queue

    /**
     * Producers put numbered messages, consumers take them, a random consumer is SIGKILLed once enough
     * have been taken (messages past the gate are put only after the kill); the survivors and then the
     * parent take the rest, and every number must have been received exactly once.
     * <p>
     * A message counts as received when it is decoded, which {@code take()} does while the message's slot
     * is still claimed: a message a consumer dies holding before it is decoded must come back to another
     * receiver. One that was decoded, but whose slot was not yet given up when its consumer died, is handed
     * on too (the dead consumer's {@code take()} never returned it), so it is seen twice: allowed for the
     * victim's last decoded message only, and only if its {@code take()} had not returned it.
     */
    private static void takeWhileAConsumerIsKilled(final Random random, final boolean killTheHolder, final String where)
        throws Exception
    {
        final long start = System.nanoTime();
        final int total = PRODUCERS * MESSAGES_PER_PRODUCER;
        final int parent = CONSUMERS; // the parent's receiver index, after the consumers'
        final int gateAt = MESSAGES_PER_PRODUCER / 2;
        final int killAfter = total / 10 + random.nextInt(total * 3 / 10);
        final int victim = random.nextInt(CONSUMERS);
        final SharedIntArray decoded = SharedIntArray.createRaw((CONSUMERS + 1) * total);
        final SharedIntArray decoding = filled(CONSUMERS + 1, -1);
        final SharedIntArray lastDecoded = filled(CONSUMERS + 1, -1);
        final SharedIntArray lastReturned = filled(CONSUMERS, -1);
        final SharedLong taken = SharedLong.createRaw(0);
        final SharedInt gate = SharedInt.createRaw(0);

        try (SharedQueue<Numbered> queue = SharedQueue.create(QUEUE_CAPACITY);
            Children children = new Children())
        {
            final List<ChildProcess> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++)
            {
                final int receiver = c;
                consumers.add(children.start("consumer-" + c,
                    () -> consume(queue, new Receipts(decoded, decoding, lastDecoded, receiver, total), lastReturned, taken)));
            }
            final List<ChildProcess> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++)
            {
                final int producer = p;
                producers.add(children.start("producer-" + p, () -> produce(queue, producer, gateAt, gate)));
            }

            // The victim's JVM may start late: it must have taken a message before it is killed.
            awaitAtLeast(() -> lastReturned.get(victim) < 0 ? 0 : taken.get(), killAfter, consumers, producers);
            final ChildProcess killed = consumers.get(victim);
            boolean caughtHolding = false;
            int attempts = 0;
            if (killTheHolder)
            {
                while (!caughtHolding && taken.get() < total * 9 / 10)
                {
                    if (taken.get() >= killAfter + total / 10)
                    {
                        gate.set(1); // the producers may be waiting at the gate, and the queue empty
                    }
                    attempts++;
                    caughtHolding = TestProcesses.killIfCaught(killed.pid(), () -> decoding.get(victim) != lastDecoded.get(victim));
                }
            }
            if (!caughtHolding)
            {
                killed.kill();
            }
            assertTrue(killed.join(JOIN), () -> "the killed consumer ended: " + killed);
            final int diedHolding = decoding.get(victim) != lastDecoded.get(victim) ? decoding.get(victim) : -1;
            assertFalse(caughtHolding && diedHolding < 0, "the victim was caught decoding a message");
            assertEquals(137, killed.exitCode().orElseThrow(), () -> "killed by SIGKILL: " + killed);
            gate.set(1);

            for (final ChildProcess producer : producers)
            {
                Children.joinSucceeded(producer, JOIN);
            }
            final List<ChildProcess> survivors = new ArrayList<>(consumers);
            survivors.remove(victim);
            for (int i = 0; i < survivors.size(); i++)
            {
                queue.put(new Numbered(STOP));
            }
            for (final ChildProcess survivor : survivors)
            {
                Children.joinSucceeded(survivor, JOIN);
            }

            // A message the victim died holding may come back only now, to whoever waits next.
            int drained = 0;
            Numbered.receipts = new Receipts(decoded, decoding, lastDecoded, parent, total);
            try
            {
                Numbered message;
                while ((message = queue.poll(DRAIN_WAIT_MILLIS, TimeUnit.MILLISECONDS)) != null)
                {
                    assertTrue(message.id >= 0, () -> "a stop message too many");
                    drained++;
                }
            }
            finally
            {
                Numbered.receipts = null;
            }
            assertTrue(queue.isEmpty(), "the queue is empty once drained");

            final int ghost = accountForEveryMessage(decoded, lastDecoded, lastReturned, victim, total);
            if (diedHolding >= 0)
            {
                final int receiver = receiverOf(decoded, diedHolding, total);
                assertTrue(receiver >= 0 && receiver != victim,
                    () -> "the message the victim died holding was handed to another receiver: id=" + diedHolding);
            }
            final int[] perReceiver = new int[CONSUMERS + 1];
            for (int r = 0; r <= CONSUMERS; r++)
            {
                for (int id = 0; id < total; id++)
                {
                    perReceiver[r] += decoded.get(r * total + id);
                }
            }
            log(where + " queue messages=" + total + " killedConsumer=" + victim + " afterTaken=" + killAfter +
                " receivedByConsumers+parent=" + Arrays.toString(perReceiver) + " drainedByParent=" + drained +
                (killTheHolder ? " holding=" + caughtHolding + " attempts=" + attempts : " atRandom") +
                " victimDiedHolding=" + (diedHolding >= 0 ? "id " + diedHolding + " (then received by " +
                receiverOf(decoded, diedHolding, total) + ')' : "no") +
                " victimDiedBeforeReleasing=" + (ghost >= 0 ? "id " + ghost : "no") + " millis=" + millisSince(start));
        }
    }

    /**
     * Fails unless every message was received once, allowing a second receipt of the victim's last decoded
     * message if its take() had not returned it; returns that message's id, or -1.
     */
    private static int accountForEveryMessage(
        final SharedIntArray decoded, final SharedIntArray lastDecoded, final SharedIntArray lastReturned,
        final int victim, final int total)
    {
        final List<String> missing = new ArrayList<>();
        final List<String> duplicated = new ArrayList<>();
        int ghost = -1;
        for (int id = 0; id < total; id++)
        {
            final int[] receipts = new int[CONSUMERS + 1];
            int count = 0;
            for (int r = 0; r <= CONSUMERS; r++)
            {
                receipts[r] = decoded.get(r * total + id);
                count += receipts[r];
            }
            if (count == 0)
            {
                missing.add(Integer.toString(id));
            }
            else if (count > 1)
            {
                final boolean victimDiedDecodingIt = count == 2 && receipts[victim] == 1 &&
                    lastDecoded.get(victim) == id && lastReturned.get(victim) != id && ghost < 0;
                if (victimDiedDecodingIt)
                {
                    ghost = id;
                }
                else
                {
                    duplicated.add(id + " by " + Arrays.toString(receipts));
                }
            }
        }
        assertTrue(missing.isEmpty(), () -> missing.size() + " messages lost, e.g. " +
            missing.stream().limit(20).collect(Collectors.joining(", ")));
        assertTrue(duplicated.isEmpty(), () -> duplicated.size() + " messages received more than once " +
            "(receipts per consumer, then parent), e.g. " + duplicated.stream().limit(20).collect(Collectors.joining("; ")) +
            " victim=" + victim + " victimLastDecoded=" + lastDecoded.get(victim) +
            " victimLastReturned=" + lastReturned.get(victim));
        return ghost;
    }

    /** Which receiver (consumer index, or the parent's after them) noted the message. */
    private static int receiverOf(final SharedIntArray decoded, final int id, final int total)
    {
        for (int r = 0; r <= CONSUMERS; r++)
        {
            if (decoded.get(r * total + id) > 0)
            {
                return r;
            }
        }
        return -1;
    }

    private static void produce(final SharedQueue<Numbered> queue, final int producer, final int gateAt, final SharedInt gate)
        throws InterruptedException
    {
        for (int i = 0; i < MESSAGES_PER_PRODUCER; i++)
        {
            while (i >= gateAt && gate.get() == 0)
            {
                Thread.sleep(1);
            }
            queue.put(new Numbered(producer * MESSAGES_PER_PRODUCER + i));
        }
    }

    private static void consume(
        final SharedQueue<Numbered> queue, final Receipts receipts, final SharedIntArray lastReturned,
        final SharedLong taken) throws InterruptedException
    {
        Numbered.receipts = receipts;
        while (true)
        {
            final Numbered message = queue.take();
            if (message.id == STOP)
            {
                return;
            }
            lastReturned.set(receipts.receiver(), message.id);
            taken.incrementAndGet();
        }
    }

    private static SharedIntArray filled(final int length, final int value)
    {
        final SharedIntArray array = SharedIntArray.createRaw(length);
        for (int i = 0; i < length; i++)
        {
            array.set(i, value);
        }
        return array;
    }

    /** Who decodes messages in this JVM, and where it notes them: a consumer, or the parent as it drains. */
    private record Receipts(
        SharedIntArray decoded, SharedIntArray decoding, SharedIntArray lastDecoded, int receiver, int total)
    {
        void begin(final int id)
        {
            decoding.set(receiver, id);
        }

        void note(final int id)
        {
            lastDecoded.set(receiver, id);
            decoded.incrementAndGet(receiver * total + id);
        }
    }

    /**
     * A queue message that notes its receipt as it is decoded, while its slot is still claimed, and takes
     * its time decoding (as a big message would), so that a kill often lands while a consumer holds one.
     */
    static final class Numbered implements Serializable
    {
        @Serial
        private static final long serialVersionUID = 1L;

        /** Set in each JVM that takes messages, before it takes any. */
        static volatile Receipts receipts;

        final int id;

        Numbered(final int id)
        {
            this.id = id;
        }

        @Serial
        private Object readResolve()
        {
            if (id != STOP)
            {
                final Receipts current = receipts;
                if (current == null)
                {
                    throw new IllegalStateException("a message was decoded where no receiver is set up: id=" + id);
                }
                current.begin(id);
                spin(DECODE_NANOS);
                current.note(id);
            }
            return this;
        }
    }

    // ------------------------------------------------------------------ lock

    /**
     * Counter JVMs add to a counter under a lock until it reaches its target; one is SIGKILLed part-way:
     * in odd rounds whichever holds the lock (all are stopped with SIGSTOP to find it), in even rounds a
     * random one at a random moment. The counter stops at the gate, its lock held, until the kill is done.
     */
    private static void countUnderALockWhileACounterIsKilled(
        final Random random, final boolean killTheHolder, final boolean valuesOwnLock, final String where) throws Exception
    {
        final long start = System.nanoTime();
        final long gateAt = INCREMENTS / 2;
        final long killAt = INCREMENTS / 10 + random.nextInt((int)(INCREMENTS / 5));
        final SharedLong counter = valuesOwnLock ? SharedLong.create(0) : SharedLong.createRaw(0);
        final SharedMutex lock = valuesOwnLock ? counter.getLock() : SharedLock.create();
        final SharedLongArray completed = SharedLongArray.createRaw(COUNTERS);
        final SharedLongArray reported = SharedLongArray.createRaw(COUNTERS);
        final SharedLongArray takeovers = SharedLongArray.createRaw(3);
        final SharedInt gate = SharedInt.createRaw(0);
        final SharedInt ready = SharedInt.createRaw(0);

        try (Children children = new Children())
        {
            final List<ChildProcess> counters = new ArrayList<>();
            for (int c = 0; c < COUNTERS; c++)
            {
                final int me = c;
                counters.add(children.start("counter-" + c,
                    () -> countUnderLock(lock, counter, completed, reported, takeovers, gate, ready, me, gateAt)));
            }
            awaitAtLeast(counter::get, killAt, counters);

            int victim = -1;
            int attempts = 0;
            if (killTheHolder)
            {
                // Someone holds the lock nearly all the time, and surely once the counter is at the gate.
                while (victim < 0)
                {
                    attempts++;
                    victim = killTheHolder(counters, lock);
                }
            }
            else
            {
                victim = random.nextInt(COUNTERS);
                counters.get(victim).kill();
            }
            final ChildProcess killed = counters.get(victim);
            assertTrue(killed.join(JOIN), () -> "the killed counter ended: " + killed);
            assertEquals(137, killed.exitCode().orElseThrow(), () -> "killed by SIGKILL: " + killed);
            gate.set(1);

            for (int c = 0; c < COUNTERS; c++)
            {
                if (c != victim)
                {
                    Children.joinSucceeded(counters.get(c), JOIN);
                }
            }

            long sum = 0;
            for (int c = 0; c < COUNTERS; c++)
            {
                sum += completed.get(c);
                if (c != victim)
                {
                    assertEquals(completed.get(c), reported.get(c), "a survivor's increments, as it counted them");
                }
            }
            assertEquals(0, takeovers.get(IMPOSSIBLE_GAPS),
                "a new owner found counter and slots apart by more than the one increment the dead owner was making");
            assertEquals(INCREMENTS, counter.get(), "the counter reached its target exactly");
            assertEquals(INCREMENTS, sum, "the counter equals the increments the counters made");
            assertFalse(lock.isLocked(), "nobody holds the lock at the end");
            assertEquals(lock.recoveries(), takeovers.get(TAKEOVERS), "every recovery was seen by its new owner");
            assertTrue(lock.recoveries() <= 1, () -> "one death, at most one recovery: " + lock.recoveries());
            if (killTheHolder)
            {
                assertEquals(1, lock.recoveries(), "the lock its holder died with was recovered");
            }
            assertTrue(lock.tryLock(5, TimeUnit.SECONDS), "the parent takes the lock");
            lock.unlock();
            log(where + " lock " + (valuesOwnLock ? "valuesOwnLock" : "SharedLock") + " counters=" + COUNTERS +
                " increments=" + INCREMENTS + " killedCounter=" + victim + " after=" + killAt +
                (killTheHolder ? " holding=true attempts=" + attempts : " atRandom") +
                " recoveries=" + lock.recoveries() + " repaired=" + takeovers.get(REPAIRED) +
                " perCounter=" + Arrays.toString(completed.toArray()) + " millis=" + millisSince(start));
        }
    }

    /**
     * Adds 1 under the lock until the counter reaches {@link #INCREMENTS}: a plain read and write, so
     * only the lock makes it exact, with the increment counted in this JVM's slot first. A new owner of a
     * lock whose owner died may find the slot counted and the counter not: it makes them agree.
     */
    private static void countUnderLock(
        final SharedMutex lock, final SharedLong counter, final SharedLongArray completed,
        final SharedLongArray reported, final SharedLongArray takeovers, final SharedInt gate, final SharedInt ready,
        final int me, final long gateAt) throws InterruptedException
    {
        // All start together, or the first JVM up does much of the counting alone.
        ready.incrementAndGet();
        while (ready.get() < COUNTERS)
        {
            Thread.sleep(1);
        }
        long mine = 0;
        while (true)
        {
            lock.lock();
            try
            {
                if (lock.previousOwnerDied())
                {
                    long sum = 0;
                    for (int c = 0; c < COUNTERS; c++)
                    {
                        sum += completed.get(c);
                    }
                    final long gap = sum - counter.get();
                    takeovers.incrementAndGet(TAKEOVERS);
                    takeovers.addAndGet(REPAIRED, gap);
                    if (gap < 0 || gap > 1)
                    {
                        takeovers.incrementAndGet(IMPOSSIBLE_GAPS);
                    }
                    counter.set(sum);
                }
                final long value = counter.get();
                if (value >= INCREMENTS)
                {
                    break;
                }
                while (value >= gateAt && gate.get() == 0)
                {
                    Thread.sleep(1); // holding the lock: the others wait for it
                }
                completed.set(me, completed.get(me) + 1);
                spin(INSIDE_LOCK_NANOS); // a holder killed now leaves the guarded data half-updated
                counter.set(value + 1);
                mine++;
            }
            finally
            {
                lock.unlock();
            }
            spin(OUTSIDE_LOCK_NANOS);
        }
        reported.set(me, mine);
    }

    /**
     * Stops every counter and SIGKILLs the one that holds the lock, if one does, then lets the others go on.
     *
     * @return the index of the killed counter, or -1 if none held the lock.
     */
    private static int killTheHolder(final List<ChildProcess> counters, final SharedMutex lock)
        throws IOException, InterruptedException
    {
        final long[] pids = counters.stream().mapToLong(ChildProcess::pid).toArray();
        TestProcesses.signal("STOP", pids);
        for (final long pid : pids)
        {
            TestProcesses.awaitStopped(pid);
        }
        final long owner = lock.ownerPid();
        int holder = -1;
        for (int c = 0; c < pids.length; c++)
        {
            if (pids[c] == owner)
            {
                holder = c;
                counters.get(c).kill();
            }
        }
        final int killed = holder;
        TestProcesses.signal("CONT", IntStream.range(0, pids.length).filter(c -> c != killed).mapToLong(c -> pids[c]).toArray());
        return holder;
    }

    // ------------------------------------------------------------------ common

    /** Waits until the value reaches the threshold, failing early if any of the children has ended. */
    @SafeVarargs
    private static void awaitAtLeast(
        final LongSupplier value, final long threshold, final List<ChildProcess>... mustRun)
        throws InterruptedException
    {
        while (value.getAsLong() < threshold)
        {
            for (final List<ChildProcess> group : mustRun)
            {
                for (final ChildProcess child : group)
                {
                    if (!child.isAlive())
                    {
                        child.join();
                        fail("a child ended early: " + child + " exitCode=" + child.exitCode() +
                            " failure=" + child.failure().map(Throwable::toString).orElse("none"));
                    }
                }
            }
            Thread.sleep(1);
        }
    }

    private static void spin(final long nanos)
    {
        final long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until)
        {
            Thread.onSpinWait();
        }
    }

    private static boolean isChildOrPoolFile(final Path file)
    {
        final String name = file.getFileName().toString();
        return name.startsWith("child-") || name.startsWith("pool-") || name.startsWith("spill-");
    }

    private static Set<Path> sessionFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(Session.current().directory()))
        {
            return files.collect(Collectors.toSet());
        }
    }

    private static long millisSince(final long startNanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private static void log(final String line)
    {
        System.out.println("FailureStressTest " + line);
    }
}
