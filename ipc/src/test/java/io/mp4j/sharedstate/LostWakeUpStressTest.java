package io.mp4j.sharedstate;

import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.internal.Waiter;
import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedLong;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two JVMs hand 1,000,000 turns to each other through a pipe, a lock and a pair of events, with the
 * default wait strategy, each side pausing between bursts long enough for the other to fall asleep on its
 * doorbell. A wake-up lost between "announce" and "sleep" would leave a side asleep until its 100 ms timed
 * check: the test counts waits that succeeded right after such an unrung sleep and requires none, and the
 * counts of hand-offs must come out exact. Set {@code -Dmp4j.stress.handoffs=N}
 * to run longer.
 */
class LostWakeUpStressTest
{
    private static final int HAND_OFFS = Integer.getInteger("mp4j.stress.handoffs", 1_000_000);
    private static final int BURST = 500;
    private static final long MAX_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(400);
    private static final Duration BOUND = Duration.ofSeconds(240);
    private static final Duration JOIN = Duration.ofSeconds(200);

    @Test
    void shouldHandOffThroughAPipeWithoutLosingAWakeUp()
    {
        final int roundTrips = HAND_OFFS / 2;
        final SharedLong childSleeps = SharedLong.createRaw(0);
        final SharedLong childQuiet = SharedLong.createRaw(0);
        assertTimeoutPreemptively(BOUND, () ->
        {
            try (Pipe pipe = Pipe.open(true); Children children = new Children())
            {
                final Connection childEnd = pipe.second();
                final ChildProcess echo = children.start("echo", () ->
                {
                    for (int i = 0; i < roundTrips; i++)
                    {
                        final long value = (Long)childEnd.recv();
                        pauseAfterBurst(i);
                        childEnd.send(value + 1);
                    }
                    childSleeps.set(Waiter.doorbellSleeps());
                    childQuiet.set(Waiter.quietWakeSuccesses());
                });

                final Connection parentEnd = pipe.first();
                // The first reply is not counted: a cold child's first ring loads its socket classes,
                // which can outlast the sleeper's 100 ms check.
                parentEnd.send(0L);
                assertEquals(1L, (Long)parentEnd.recv());
                final long sleepsBefore = Waiter.doorbellSleeps();
                final long quietBefore = Waiter.quietWakeSuccesses();
                for (long i = 1; i < roundTrips; i++)
                {
                    parentEnd.send(i);
                    pauseAfterBurst(i);
                    assertEquals(i + 1, (Long)parentEnd.recv(), "replies in order, none lost");
                }
                children.joinAllSucceeded(JOIN);
                report("pipe", Waiter.doorbellSleeps() - sleepsBefore, childSleeps.get(),
                    Waiter.quietWakeSuccesses() - quietBefore, childQuiet.get());
                try (Stream<Path> files = Files.list(Session.current().directory()))
                {
                    final String childBells = "bell-" + echo.pid() + "-";
                    assertEquals(List.of(), files.filter(file -> file.getFileName().toString().startsWith(childBells))
                        .toList(), "the child took its doorbells away when it exited");
                }
            }
        });
    }

    @Test
    void shouldHandALockBackAndForthWithoutLosingAWakeUp()
    {
        final int perJvm = HAND_OFFS / 2;
        final SharedLock lock = SharedLock.create();
        final SharedLong counter = SharedLong.createRaw(0);
        final SharedLong childSleeps = SharedLong.createRaw(0);
        final SharedLong childQuiet = SharedLong.createRaw(0);
        final SharedEvent childReady = SharedEvent.create();
        assertTimeoutPreemptively(BOUND, () ->
        {
            try (Children children = new Children())
            {
                children.start("incrementer", () ->
                {
                    childReady.set();
                    incrementUnderLock(lock, counter, perJvm);
                    childSleeps.set(Waiter.doorbellSleeps());
                    childQuiet.set(Waiter.quietWakeSuccesses());
                });
                // Contend from the start, not after the child's JVM has come up.
                childReady.await();
                final long sleepsBefore = Waiter.doorbellSleeps();
                final long quietBefore = Waiter.quietWakeSuccesses();
                incrementUnderLock(lock, counter, perJvm);
                children.joinAllSucceeded(JOIN);

                assertEquals(2L * perJvm, counter.get(), "every increment under the lock counted once");
                assertTrue(!lock.isLocked());
                report("lock", Waiter.doorbellSleeps() - sleepsBefore, childSleeps.get(),
                    Waiter.quietWakeSuccesses() - quietBefore, childQuiet.get());
            }
        });
    }

    @Test
    void shouldPassEventsBackAndForthWithoutLosingAWakeUp()
    {
        final int roundTrips = HAND_OFFS / 2;
        final SharedEvent ping = SharedEvent.create();
        final SharedEvent pong = SharedEvent.create();
        final SharedLong pings = SharedLong.createRaw(0);
        final SharedLong childSleeps = SharedLong.createRaw(0);
        final SharedLong childQuiet = SharedLong.createRaw(0);
        assertTimeoutPreemptively(BOUND, () ->
        {
            try (Children children = new Children())
            {
                children.start("ponger", () ->
                {
                    for (int i = 0; i < roundTrips; i++)
                    {
                        ping.await();
                        ping.clear();
                        pings.set(pings.get() + 1);
                        pauseAfterBurst(i);
                        pong.set();
                    }
                    childSleeps.set(Waiter.doorbellSleeps());
                    childQuiet.set(Waiter.quietWakeSuccesses());
                });

                // The first round trip is not counted, as in the pipe test.
                ping.set();
                pong.await();
                pong.clear();
                final long sleepsBefore = Waiter.doorbellSleeps();
                final long quietBefore = Waiter.quietWakeSuccesses();
                for (int i = 1; i < roundTrips; i++)
                {
                    pauseAfterBurst(i);
                    ping.set();
                    pong.await();
                    pong.clear();
                }
                children.joinAllSucceeded(JOIN);
                assertEquals(roundTrips, pings.get(), "every ping seen exactly once");
                report("event", Waiter.doorbellSleeps() - sleepsBefore, childSleeps.get(),
                    Waiter.quietWakeSuccesses() - quietBefore, childQuiet.get());
            }
        });
    }

    private static void incrementUnderLock(final SharedLock lock, final SharedLong counter, final int times)
    {
        for (int i = 0; i < times; i++)
        {
            lock.lock();
            try
            {
                counter.set(counter.get() + 1);
                // Now and then hold the lock across a pause, so that the other JVM goes to sleep on it.
                pauseAfterBurst(i);
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /** After every burst of hand-offs, pause for up to 400 µs: long enough to make the peer sleep. */
    private static void pauseAfterBurst(final long i)
    {
        if (i % BURST == BURST - 1)
        {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(MAX_PAUSE_NANOS));
        }
    }

    private static void report(
        final String what, final long parentSleeps, final long childSleeps, final long parentLate, final long childLate)
    {
        System.out.println("lost wake-up stress: " + what + " handOffs=" + HAND_OFFS + " doorbellSleeps parent=" +
            parentSleeps + " child=" + childSleeps + " lateWakeUps parent=" + parentLate + " child=" + childLate);
        assertTrue(parentSleeps + childSleeps > 0, "the pauses made a side sleep on its doorbell");
        // A wait that succeeded right after a sleep nobody rang is a wake-up that came late, at its 100 ms
        // check: none may.
        assertEquals(0, parentLate + childLate, "waits that ended only because a sleep timed out");
    }
}
