package io.mp4j.sync;

import io.mp4j.ForgedStreams;
import io.mp4j.RegionLayoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.region.EmbeddedLocks;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.session.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

@SuppressWarnings("try") // try (var held = lock.acquire()) marks a held section, as Python's "with lock:"
class SharedLockTest
{
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static Session session;

    @BeforeAll
    static void createSession()
    {
        session = Session.create();
    }

    @AfterAll
    static void closeSession()
    {
        session.close();
    }

    static Stream<BiFunction<Session, WaitStrategy, SharedMutex>> locks()
    {
        return Stream.of(SharedLock::create, SharedRLock::create);
    }

    @ParameterizedTest
    @MethodSource("locks")
    void shouldExcludeOtherThreadsAndHandOver(final BiFunction<Session, WaitStrategy, SharedMutex> factory)
    {
        final SharedMutex lock = factory.apply(session, WaitStrategy.DEFAULT);
        assertTimeoutPreemptively(BOUND, () ->
        {
            lock.lock();
            assertTrue(lock.isHeldByCurrentThread());
            assertTrue(lock.isLocked());
            assertEquals(ProcessHandle.current().pid(), lock.ownerPid());
            final CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    final boolean early = lock.tryLock(50, TimeUnit.MILLISECONDS);
                    lock.lock();
                    lock.unlock();
                    return early;
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            Thread.sleep(200);
            lock.unlock();
            assertFalse(other.get());
        });
        assertFalse(lock.isLocked());
    }

    @ParameterizedTest
    @MethodSource("locks")
    void shouldRefuseUnlockByNonOwner(final BiFunction<Session, WaitStrategy, SharedMutex> factory) throws Exception
    {
        final SharedMutex lock = factory.apply(session, WaitStrategy.BUSY_SPIN);
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        lock.lock();
        final CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                lock.unlock();
                return null;
            }
            catch (final Throwable ex)
            {
                return ex;
            }
        });
        assertInstanceOf(IllegalMonitorStateException.class, other.get(10, TimeUnit.SECONDS));
        lock.unlock();
    }

    @ParameterizedTest
    @MethodSource("locks")
    void shouldUnlockAtEndOfTryWithResources(final BiFunction<Session, WaitStrategy, SharedMutex> factory)
    {
        final SharedMutex lock = factory.apply(session, WaitStrategy.DEFAULT);
        try (var held = lock.acquire())
        {
            assertFalse(held.previousOwnerDied());
            assertTrue(lock.isHeldByCurrentThread());
        }
        assertFalse(lock.isLocked());
    }

    @Test
    void shouldReenterRLockAndReleaseOnLastUnlock()
    {
        final SharedRLock lock = SharedRLock.create(session, WaitStrategy.DEFAULT);
        lock.lock();
        assertTrue(lock.tryLock());
        lock.lock();
        assertEquals(3, lock.holdCount());
        lock.unlock();
        lock.unlock();
        assertTrue(lock.isLocked());
        lock.unlock();
        assertFalse(lock.isLocked());
        assertEquals(0, lock.holdCount());
    }

    @Test
    void shouldRefuseToSelfDeadlockOnPlainLock()
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        lock.lock();
        assertFalse(lock.tryLock());
        assertThrows(IllegalStateException.class, lock::lock);
        assertThrows(IllegalStateException.class, lock::lockInterruptibly);
        assertThrows(IllegalStateException.class, lock::acquire);
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
    }

    @Test
    void shouldWaitTheTimeoutAndFailWhenOwnerLocksPlainLockAgainWithTimeout() throws Exception
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        lock.lock();
        final long start = System.nanoTime();
        assertFalse(lock.tryLock(200, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200));
        assertFalse(lock.tryLock(0, TimeUnit.MILLISECONDS));
        assertTrue(lock.isHeldByCurrentThread());
        lock.unlock();
        assertFalse(lock.isLocked());
    }

    @Test
    void shouldGiveUpAtTheDeadline() throws Exception
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        final CompletableFuture<Void> holder = CompletableFuture.runAsync(lock::lock);
        holder.get(10, TimeUnit.SECONDS);
        final long start = System.nanoTime();
        assertFalse(lock.tryLock(300, TimeUnit.MILLISECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void shouldBeInterruptibleWhileWaiting() throws Exception
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        CompletableFuture.runAsync(lock::lock).get(10, TimeUnit.SECONDS);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, lock::lockInterruptibly);
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void shouldTravelAsHandleToTheSameLock()
    {
        final SharedRLock lock = SharedRLock.create(session, WaitStrategy.BUSY_SPIN);
        final SharedRLock copy = (SharedRLock)JavaSerialization.deserialize(
            JavaSerialization.serialize(lock, "lock"), "lock");
        assertEquals(WaitStrategy.BUSY_SPIN, copy.waitStrategy());
        lock.lock();
        assertTrue(copy.isHeldByCurrentThread());
        copy.unlock();
        assertFalse(lock.isLocked());
    }

    static Stream<Class<?>> primitiveClasses()
    {
        return Stream.of(SharedLock.class, SharedRLock.class, SharedCondition.class, SharedSemaphore.class,
            SharedEvent.class, SharedBarrier.class);
    }

    @ParameterizedTest
    @MethodSource("primitiveClasses")
    void shouldRefuseStreamThatNamesTheClassInsteadOfItsHandle(final Class<?> type)
    {
        ForgedStreams.assertRefused(type);
    }

    @Test
    void shouldRefuseHandleOfAnotherPrimitive()
    {
        final io.mp4j.internal.region.Region region = SyncHandle.createRegion(session, SyncDescriptor.TYPE_EVENT);
        final RegionLayoutException ex = assertThrows(RegionLayoutException.class,
            () -> EmbeddedLocks.lock(region, SyncDescriptor.PRIMITIVE_OFFSET, WaitStrategy.DEFAULT));
        assertTrue(ex.getMessage().contains("type=SharedEvent expected=SharedLock"), ex.getMessage());
    }

    @Test
    void shouldThrowInsteadOfCrashingAfterClose()
    {
        final SharedLock lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        lock.close();
        assertTrue(lock.isClosed());
        assertThrows(IndexOutOfBoundsException.class, lock::lock);
        assertThrows(IndexOutOfBoundsException.class, lock::tryLock);
    }
}
