package io.mp4j.internal;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The waiter, its board and its doorbell within one JVM; {@code WaitingAcrossJvmsTest} in {@code ipc}
 * drives them between processes.
 */
class WaiterTest
{
    private static final int TAG = 7;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private Session session;
    private Region region;
    private AtomicBuffer body;
    private WaitBoard board;

    @BeforeEach
    void createRegion()
    {
        session = Session.create();
        region = Region.create(session, "waited", RegionKind.RAW, 64);
        body = region.body();
        board = region.waitBoard();
    }

    @AfterEach
    void closeSession()
    {
        region.close();
        session.close();
        assertTrue(Files.notExists(session.directory()), "the session and its doorbells are gone");
    }

    @Test
    void shouldSleepOnTheDoorbellUntilRung() throws Exception
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> awaitWord(0, WaitStrategy.LOW_CPU, -1));
            awaitSleepers(1);
            assertTrue(bellFiles().size() >= 1, "the sleeper's doorbell is in the session directory");

            body.putLongVolatile(0, 1);
            board.ring(TAG);
            assertTrue(woken.get());
            assertEquals(0, board.sleepers(), "the sleeper withdrew its announcement");
        });
    }

    @Test
    void shouldMakeOwnerOnlyBellsOnlyInOwnerOnlyDirectories(@TempDir final Path open) throws Exception
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> awaitWord(0, WaitStrategy.LOW_CPU, -1));
            awaitSleepers(1);
            assertFalse(bellFiles().isEmpty(), "the sleeper's doorbell is in the session directory");
            for (final Path bell : bellFiles())
            {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bell)),
                    "a bell's socket is owner-only whatever the umask: " + bell);
            }
            body.putLongVolatile(0, 1);
            board.ring(TAG);
            assertTrue(woken.get());
        });

        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        final Doorbell bell = Doorbell.directory(open).acquire();
        if (bell != null)
        {
            bell.release();
        }
        Doorbell.closeDirectory(open);
        assertNull(bell, "no bell where others may enter: the waiter sleeps on a timer");
    }

    @Test
    void shouldNotWakeForAnotherTag() throws Exception
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final CompletableFuture<Boolean> woken = CompletableFuture.supplyAsync(() -> awaitWord(0, WaitStrategy.LOW_CPU, -1));
            awaitSleepers(1);
            body.putLongVolatile(0, 1);
            board.ring(TAG + 1);
            // The condition holds, but nobody rang for it: the sleeper finds it at its next timed check.
            assertTrue(woken.get());
        });
    }

    @Test
    void shouldKeepTheDeadlineWhileAsleep()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final long timeout = TimeUnit.MILLISECONDS.toNanos(250);
            final long start = System.nanoTime();
            assertFalse(awaitWord(0, WaitStrategy.DEFAULT, timeout));
            assertTrue(System.nanoTime() - start >= timeout, "never returns before the deadline");
            assertEquals(0, board.sleepers());
        });
    }

    @Test
    void shouldEndAnInterruptibleWaitOnInterrupt()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread sleeper = new Thread(() ->
            {
                final Waiter waiter = Waiter.begin(WaitStrategy.LOW_CPU, board, TAG, Waiter.NO_TIMEOUT);
                try
                {
                    while (true)
                    {
                        waiter.idleInterruptibly();
                    }
                }
                catch (final InterruptedException ex)
                {
                    failure.set(ex);
                }
                finally
                {
                    waiter.end();
                }
            });
            sleeper.start();
            awaitSleepers(1);
            sleeper.interrupt();
            sleeper.join();
            assertTrue(failure.get() instanceof InterruptedException);
            assertEquals(0, board.sleepers());
        });
    }

    @Test
    void shouldRestoreAnInterruptThatAnUninterruptibleWaitKept()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            Thread.currentThread().interrupt();
            assertFalse(awaitWord(0, WaitStrategy.LOW_CPU, TimeUnit.MILLISECONDS.toNanos(20)));
            assertTrue(Thread.interrupted(), "the interrupt is back after the wait");
        });
    }

    @Test
    void shouldWakeFromAnotherThreadOfTheJvm()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final AtomicReference<Waiter> waiterRef = new AtomicReference<>();
            final CompletableFuture<Void> done = CompletableFuture.runAsync(() ->
            {
                final Waiter waiter = Waiter.begin(WaitStrategy.LOW_CPU, board, TAG, Waiter.NO_TIMEOUT);
                waiterRef.set(waiter);
                try
                {
                    while (body.getLongVolatile(8) == 0)
                    {
                        waiter.idle();
                    }
                }
                finally
                {
                    waiter.end();
                }
            });
            awaitSleepers(1);
            body.putLongVolatile(8, 1);
            waiterRef.get().wake();
            done.get();
        });
    }

    @Test
    void shouldClearTheSlotOfASleeperWhoseProcessIsGone()
    {
        final long deadPid = 4_194_303L;
        final long ghost = ((deadPid << 15) << 9) | (long)TAG << 1;
        final int index = board.announce(ghost);
        assertTrue(index >= 0);
        assertEquals(1, board.sleepers());

        board.ring(TAG);
        assertEquals(0, board.sleepers(), "a ringer that finds the bell gone frees its slot");
    }

    @Test
    void shouldFallBackToATimerWhenTheBoardIsFull()
    {
        for (int i = 0; i < WaitBoard.SLOTS; i++)
        {
            assertTrue(board.announce(((ProcessHandle.current().pid() << 15 | 30_000 + i) << 9) | 2) >= 0);
        }
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final long timeout = TimeUnit.MILLISECONDS.toNanos(50);
            final long start = System.nanoTime();
            assertFalse(awaitWord(0, WaitStrategy.LOW_CPU, timeout));
            assertTrue(System.nanoTime() - start >= timeout);
        });
        assertEquals(WaitBoard.SLOTS, board.sleepers());
    }

    @Test
    void shouldHandOffBetweenSleepingThreadsWithoutLosingAWakeUp()
    {
        assertTimeoutPreemptively(LIMIT, () ->
        {
            final int rounds = 20_000;
            final CompletableFuture<Void> ponger = CompletableFuture.runAsync(() -> pingPong(rounds, 0, 8));
            pingPong(rounds, 8, 0);
            ponger.get();
            assertEquals(rounds, body.getLongVolatile(0));
            assertEquals(rounds, body.getLongVolatile(8));
        });
    }

    @Test
    void shouldRefuseAnOutOfRangeTag()
    {
        assertThrows(IllegalArgumentException.class,
            () -> Waiter.begin(WaitStrategy.LOW_CPU, board, WaitBoard.MAX_TAG + 1, 0));
        assertFalse(awaitWord(0, WaitStrategy.LOW_CPU, 0), "the refused wait left the thread's waiter usable");
    }

    /**
     * Two threads take turns: each bumps its own word and rings, then sleeps until the other's word
     * catches up. LOW_CPU puts both to sleep on every turn, so a lost wake-up would hang.
     */
    private void pingPong(final int rounds, final int mine, final int theirs)
    {
        final int myTag = mine / 8;
        final int theirTag = theirs / 8;
        for (long round = 1; round <= rounds; round++)
        {
            if (mine == 0)
            {
                body.putLongVolatile(mine, round);
                board.ring(myTag);
                awaitAtLeast(theirs, theirTag, round);
            }
            else
            {
                awaitAtLeast(theirs, theirTag, round);
                body.putLongVolatile(mine, round);
                board.ring(myTag);
            }
        }
    }

    private void awaitAtLeast(final int offset, final int tag, final long value)
    {
        if (body.getLongVolatile(offset) >= value)
        {
            return;
        }
        final Waiter waiter = Waiter.begin(WaitStrategy.LOW_CPU, board, tag, Waiter.NO_TIMEOUT);
        try
        {
            while (body.getLongVolatile(offset) < value)
            {
                waiter.idle();
            }
        }
        finally
        {
            waiter.end();
        }
    }

    private boolean awaitWord(final int offset, final WaitStrategy strategy, final long timeoutNanos)
    {
        final Waiter waiter = Waiter.begin(strategy, board, TAG, timeoutNanos);
        try
        {
            while (body.getLongVolatile(offset) == 0)
            {
                if (!waiter.idle())
                {
                    return false;
                }
            }
            return true;
        }
        finally
        {
            waiter.end();
        }
    }

    private void awaitSleepers(final long count) throws InterruptedException
    {
        while (board.sleepers() < count)
        {
            Thread.sleep(1);
        }
        // Announced is not yet asleep; either way a ring from now on reaches it.
        Thread.sleep(20);
    }

    private List<Path> bellFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(session.directory()))
        {
            return files.filter(file -> file.getFileName().toString().startsWith("bell-")).toList();
        }
    }
}
