package io.mp4j.bench.compare;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import io.mp4j.shared.LongValue;
import io.mp4j.shared.SharedLong;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Row 6: a shared value incremented by two processes at once, each {@code lock; v = v + 1; unlock}, in
 * increments per second: this process does half of the {@code size} increments while a warm second one
 * does the other half, from the parent's command until both are done. The value must then be exactly
 * {@code size}: a lost update fails the trial.
 */
final class LockedCounterTrials
{
    private static final double NANOS_PER_SECOND = 1e9;

    private LockedCounterTrials()
    {
    }

    /**
     * mp4j: a {@link SharedLong} and its own lock ({@link SharedLong#getLock()}), this JVM and a warm child.
     *
     * @param fixtures where the value and the child are kept.
     * @param size     how many increments in all.
     * @return increments per second.
     * @throws Exception if the count is wrong.
     */
    static double mp4j(final Fixtures fixtures, final int size) throws Exception
    {
        final Mp4jCounter counter =
            fixtures.warm("mp4j counter", Mp4jCounter.class, () -> Mp4jCounter.start(fixtures.session()));
        counter.value.set(0);
        final int childShare = size / 2;
        final long start = System.nanoTime();
        counter.servant.send(childShare);
        incrementUnderLock(counter.value, size - childShare);
        final Object childDone = counter.servant.receive();
        final long elapsed = System.nanoTime() - start;
        if (!Integer.valueOf(childShare).equals(childDone))
        {
            throw new IllegalStateException("child's share differs: expected=" + childShare + " reported=" + childDone);
        }
        check(counter.value.get(), size);
        return size * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Plain Java: two threads of this JVM, a {@link ReentrantLock} around a {@code long} field.
     *
     * @param fixtures where the second thread is kept.
     * @param size     how many increments in all.
     * @return increments per second.
     * @throws Exception if the count is wrong.
     */
    static double plainJava(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainCounter counter = fixtures.warm("plain counter", PlainCounter.class, PlainCounter::new);
        counter.reset();
        final int helperShare = size / 2;
        final long start = System.nanoTime();
        final Future<?> helperDone = counter.helper.submit(() -> counter.incrementUnderLock(helperShare));
        counter.incrementUnderLock(size - helperShare);
        helperDone.get();
        final long elapsed = System.nanoTime() - start;
        check(counter.value(), size);
        return size * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Python's {@code with v.get_lock(): v.value += 1}, {@code times} times.
     *
     * @param value the shared value, with its lock.
     * @param times how many increments.
     */
    static void incrementUnderLock(final SharedLong value, final int times)
    {
        incrementUnderLock(value.getLock(), value, times);
    }

    /**
     * {@code with lock: v.value += 1}, {@code times} times, with any lock and value (a context's, say).
     *
     * @param lock  the lock.
     * @param value the value.
     * @param times how many increments.
     */
    static void incrementUnderLock(final Lock lock, final LongValue value, final int times)
    {
        for (int i = 0; i < times; i++)
        {
            lock.lock();
            try
            {
                value.set(value.get() + 1);
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    private static void check(final long count, final int expected)
    {
        if (count != expected)
        {
            throw new IllegalStateException("lost or extra increments: count=" + count + " expected=" + expected);
        }
    }

    /** mp4j's shared value and the warm child that increments it on request. */
    static final class Mp4jCounter implements AutoCloseable
    {
        private final SharedLong value;
        private final Mp4jServant servant;

        private Mp4jCounter(final SharedLong value, final Mp4jServant servant)
        {
            this.value = value;
            this.servant = servant;
        }

        static Mp4jCounter start(final Session session)
        {
            final SharedLong value = SharedLong.create(session, 0, true, WaitStrategy.defaultStrategy());
            try
            {
                return new Mp4jCounter(value, Mp4jServant.start(session, "counter", times ->
                {
                    incrementUnderLock(value, (Integer)times);
                    return times;
                }));
            }
            catch (final RuntimeException ex)
            {
                value.close();
                throw ex;
            }
        }

        @Override
        public void close()
        {
            servant.closeThen(value::close);
        }
    }

    /** Plain Java's counter: a field, its lock, and the second thread. */
    static final class PlainCounter implements AutoCloseable
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final ExecutorService helper = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, "plain-counter");
            thread.setDaemon(true);
            return thread;
        });
        private long value;

        void incrementUnderLock(final int times)
        {
            for (int i = 0; i < times; i++)
            {
                lock.lock();
                try
                {
                    value = value + 1;
                }
                finally
                {
                    lock.unlock();
                }
            }
        }

        void reset()
        {
            lock.lock();
            try
            {
                value = 0;
            }
            finally
            {
                lock.unlock();
            }
        }

        long value()
        {
            lock.lock();
            try
            {
                return value;
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public void close()
        {
            helper.shutdownNow();
        }
    }
}
