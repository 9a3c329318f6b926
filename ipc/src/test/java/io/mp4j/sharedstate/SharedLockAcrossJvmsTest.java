package io.mp4j.sharedstate;

import io.mp4j.process.ChildProcess;
import io.mp4j.shared.SharedInt;
import io.mp4j.shared.SharedLong;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedMutex;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A lock whose holder is SIGKILLed is recovered by a waiter in another JVM, which is told so. */
class SharedLockAcrossJvmsTest
{
    private static final Duration BOUND = Duration.ofSeconds(120);
    private static final Duration JOIN = Duration.ofSeconds(60);

    /** Generous against a loaded 2-core machine; the waiter checks the owner every ~100 ms. */
    private static final long RECOVERY_BOUND_MILLIS = 5_000;

    @Test
    void shouldRecoverLockWhenOwnerIsKilled()
    {
        final SharedLock lock = SharedLock.create();
        assertTimeoutPreemptively(BOUND, () -> killHolderAndRecover(lock, false));
    }

    @Test
    void shouldRecoverLockedValuesOwnLockForTimedWaiterWhenOwnerIsKilled()
    {
        final SharedInt value = SharedInt.create(0);
        assertTimeoutPreemptively(BOUND, () -> killHolderAndRecover(value.getLock(), true));
    }

    @Test
    void shouldWaitTheTimeoutAndReturnFalseWhenOwnerInChildLocksPlainLockAgain()
    {
        assertTimeoutPreemptively(BOUND, () ->
        {
            final SharedLock lock = SharedLock.create();
            final SharedLong waitedMillis = SharedLong.createRaw(-1);
            final SharedInt outcome = SharedInt.createRaw(-1);
            try (Children children = new Children())
            {
                // Python: lock.acquire(); lock.acquire(timeout=0.3) is False after 0.3 s, the lock still held.
                children.start("owner", () ->
                {
                    lock.lock();
                    final long start = System.nanoTime();
                    final boolean again = lock.tryLock(300, TimeUnit.MILLISECONDS);
                    waitedMillis.set(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    boolean threwWithoutTimeout = false;
                    try
                    {
                        lock.lock();
                    }
                    catch (final IllegalStateException expected)
                    {
                        threwWithoutTimeout = true;
                    }
                    outcome.set((again ? 1 : 0) + (lock.isHeldByCurrentThread() ? 10 : 0) +
                        (threwWithoutTimeout ? 100 : 0));
                    lock.unlock();
                });
                children.joinAllSucceeded(JOIN);
            }
            assertEquals(110, outcome.get(), "tryLock(timeout) false, still held, lock() refused at once");
            assertTrue(waitedMillis.get() >= 300, "waitedMillis=" + waitedMillis.get());
            assertTrue(!lock.isLocked());
        });
    }

    /**
     * Child "holder" takes the lock and hangs; child "waiter" blocks on it (plain {@code lock()} or
     * {@code tryLock(timeout)}); the holder is SIGKILLed; the waiter must get the lock, see that the
     * previous owner died, and report when it got it.
     */
    private static void killHolderAndRecover(final SharedMutex lock, final boolean timedWaiter) throws Exception
    {
        final SharedEvent held = SharedEvent.create();
        final SharedEvent waiting = SharedEvent.create();
        final SharedLong acquiredAtMillis = SharedLong.createRaw(0);
        final SharedInt sawOwnerDied = SharedInt.createRaw(-1);
        try (Children children = new Children())
        {
            final ChildProcess holder = children.start("holder", () ->
            {
                lock.lock();
                held.set();
                Thread.sleep(Long.MAX_VALUE);
            });
            held.await(Duration.ofSeconds(30));

            final ChildProcess waiter = children.start("waiter", () ->
            {
                waiting.set();
                if (timedWaiter)
                {
                    if (!lock.tryLock(60, TimeUnit.SECONDS))
                    {
                        throw new IllegalStateException("tryLock timed out");
                    }
                }
                else
                {
                    lock.lock();
                }
                acquiredAtMillis.set(System.currentTimeMillis());
                sawOwnerDied.set(lock.previousOwnerDied() ? 1 : 0);
                lock.unlock();
            });
            waiting.await(Duration.ofSeconds(30));
            Thread.sleep(300);
            assertTrue(waiter.isAlive(), "the waiter must still be blocked on the held lock");

            final long killedAtMillis = System.currentTimeMillis();
            holder.kill();
            Children.joinSucceeded(waiter, JOIN);

            final long recoveryMillis = acquiredAtMillis.get() - killedAtMillis;
            System.out.println("lock recovered after SIGKILL of its holder: timedWaiter=" + timedWaiter +
                " recoveryMillis=" + recoveryMillis);
            assertEquals(1, sawOwnerDied.get(), "the new owner must see that the previous owner died");
            assertTrue(recoveryMillis < RECOVERY_BOUND_MILLIS, "recoveryMillis=" + recoveryMillis);
            assertEquals(1, lock.recoveries());
            assertTrue(!lock.isLocked(), "the waiter unlocked");
        }
    }
}
