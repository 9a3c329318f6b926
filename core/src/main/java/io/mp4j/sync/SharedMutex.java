package io.mp4j.sync;

import io.mp4j.WaitStrategy;

import java.io.Serializable;
import java.util.concurrent.locks.Lock;

/**
 * A lock shared by processes: {@link SharedLock} (Python's {@code Lock}) or {@link SharedRLock}
 * (Python's {@code RLock}). It is owned by one thread of one process at a time; another thread or
 * process that calls {@link #unlock()} gets an {@link IllegalMonitorStateException}.
 * <p>
 * <b>Recovery.</b> A process that dies holding the lock (even by SIGKILL) does not deadlock the others:
 * a waiter checks about every 100 ms of waiting whether the owner's process is still alive (pid and
 * start time, so a reused pid does not fool it) and, if it is not, takes the lock over. The new owner
 * then sees {@link #previousOwnerDied()} return true until it unlocks, as a robust mutex's
 * {@code EOWNERDEAD}: the data the lock guards may be half-updated. A thread that dies holding the lock
 * while its process lives is not recovered, as with the JDK's locks.
 * <p>
 * Handles are {@link Serializable}: pass one to a child process and the child attaches to the same lock.
 */
public sealed interface SharedMutex extends Lock, Serializable, AutoCloseable permits SharedLock, SharedRLock
{
    /**
     * The held lock, for {@code try (var held = lock.acquire()) { ... }}, Python's {@code with lock:}.
     * Closing it unlocks; it must be closed by the thread that acquired it.
     */
    interface Held extends AutoCloseable
    {
        /**
         * Whether the lock was taken over from a process that died holding it.
         *
         * @return true if the previous owner died, see {@link SharedMutex#previousOwnerDied()}.
         */
        boolean previousOwnerDied();

        /**
         * Unlocks.
         *
         * @throws IllegalMonitorStateException if the calling thread does not hold the lock.
         */
        @Override
        void close();
    }

    /**
     * Locks, waiting as long as it takes, and returns the held lock for try-with-resources. Allocates
     * nothing: the returned object is this handle's.
     *
     * @return the held lock; close it to unlock.
     */
    Held acquire();

    /**
     * Whether the calling thread holds the lock because it took it over from a process that died holding
     * it. Stays true until the calling thread unlocks (fully, for a re-entrant lock).
     *
     * @return true while the calling thread holds a recovered lock.
     */
    boolean previousOwnerDied();

    /**
     * How many times the lock has been recovered from a dead owner over its life, by any process.
     *
     * @return the recovery count.
     */
    long recoveries();

    /**
     * Whether the calling thread of this process holds the lock.
     *
     * @return true if the caller is the owner.
     */
    boolean isHeldByCurrentThread();

    /**
     * Whether any thread of any process holds the lock; a snapshot, for monitoring.
     *
     * @return true if the lock is held.
     */
    boolean isLocked();

    /**
     * The pid of the process that holds the lock; a snapshot, for monitoring.
     *
     * @return the owner's pid, or 0 if the lock is free.
     */
    long ownerPid();

    /**
     * How this lock waits.
     *
     * @return the wait strategy chosen at creation.
     */
    WaitStrategy waitStrategy();

    /**
     * A new condition bound to this lock, in a region of its own in the lock's session.
     *
     * @return a shared condition.
     */
    @Override
    SharedCondition newCondition();

    /**
     * Whether this JVM's mapping of the lock's region has been closed.
     *
     * @return true once closed.
     */
    boolean isClosed();

    /**
     * Unmaps the lock's region in this JVM: every handle to it in this JVM stops working (calls throw
     * {@link IndexOutOfBoundsException}); other processes and the file are unaffected. Idempotent.
     */
    @Override
    void close();
}
