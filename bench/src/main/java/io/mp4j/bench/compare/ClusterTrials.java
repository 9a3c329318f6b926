package io.mp4j.bench.compare;

import io.mp4j.cluster.ClusterContext;
import io.mp4j.pool.Pool;
import io.mp4j.pool.WorkerPool;
import io.mp4j.shared.LongValue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The cluster column: the same rows run through a {@link ClusterContext} on the {@link LoopbackCluster} (two
 * server nodes in JVMs of their own, this JVM a client), with warm children of their own where the local row has
 * one (each child receives the context, which connects it as a client of its own). Every object is asked of the
 * context by name, as user code written against {@link io.mp4j.context.MultiprocessingContext} would. Rows whose
 * every operation is a network round trip run a fraction of the row's size (said in the row's description) and
 * report the same rate, so that a repetition stays within seconds.
 */
final class ClusterTrials
{
    /** The queue row runs this fraction of its size on the cluster. */
    static final int QUEUE_DIVISOR = 50;

    /** The locked counter row runs this fraction of its size on the cluster. */
    static final int COUNTER_DIVISOR = 5_000;

    /** The dict row runs this fraction of its size on the cluster. */
    static final int DICT_DIVISOR = 20;

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double NANOS_PER_MICRO = 1e3;
    private static final long TAKE_TIMEOUT_SECONDS = 60;
    private static final int QUEUE_CAPACITY = 1024;
    private static final String NAME = "compare";

    private ClusterTrials()
    {
    }

    /**
     * Row 3a: {@code map(x -> x + 1, xs)} with the default chunk size on the cluster's warm pool.
     *
     * @param fixtures where the cluster is kept.
     * @param size     how many items.
     * @return items per second.
     * @throws Exception if the cluster cannot start or a result is wrong.
     */
    static double map(final Fixtures fixtures, final int size) throws Exception
    {
        final WorkerPool pool = cluster(fixtures).pool();
        final List<Integer> items = fixtures.integers(size);
        final long start = System.nanoTime();
        final List<Integer> results = pool.map((Integer x) -> x + 1, items);
        final long elapsed = System.nanoTime() - start;
        Fixtures.checkIncremented(results, size);
        return size * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Row 4: {@code apply(() -> 42)} back to back on the cluster's warm pool, the mean round trip.
     *
     * @param fixtures where the cluster is kept.
     * @param size     how many calls.
     * @return microseconds per call.
     * @throws Exception if the cluster cannot start or an answer is wrong.
     */
    static double applyMean(final Fixtures fixtures, final int size) throws Exception
    {
        final WorkerPool pool = cluster(fixtures).pool();
        final long start = System.nanoTime();
        for (int i = 0; i < size; i++)
        {
            checkAnswer(pool.apply(() -> 42));
        }
        return (System.nanoTime() - start) / NANOS_PER_MICRO / size;
    }

    /**
     * Row 4b on the cluster: the median of {@code size} timed {@code apply(() -> 42)} round trips.
     *
     * @param fixtures where the cluster is kept.
     * @param size     how many calls.
     * @return the median round trip, in microseconds.
     * @throws Exception if the cluster cannot start or an answer is wrong.
     */
    static double applyMedian(final Fixtures fixtures, final int size) throws Exception
    {
        return medianApply(cluster(fixtures).pool(), size);
    }

    /**
     * Row 4b on the local pool: the median of {@code size} timed {@code apply(() -> 42)} round trips.
     *
     * @param fixtures where the local pool is kept.
     * @param size     how many calls.
     * @return the median round trip, in microseconds.
     */
    static double localApplyMedian(final Fixtures fixtures, final int size)
    {
        final Pool pool = fixtures.mp4jPool();
        return medianApply(pool, size);
    }

    /**
     * Row 2: a warm child puts {@code 0 .. n-1} on {@code context.queue}, this JVM takes them, {@code n} a
     * {@value #QUEUE_DIVISOR}th of the row's size.
     *
     * @param fixtures where the cluster and the producer are kept.
     * @param size     the row's size.
     * @return messages per second.
     * @throws Exception if a message is missing or wrong.
     */
    static double queue(final Fixtures fixtures, final int size) throws Exception
    {
        final ClusterContext context = cluster(fixtures).context();
        final Mp4jServant producer = fixtures.warm("cluster producer", Mp4jServant.class, () ->
            Mp4jServant.start(LoopbackCluster.silentChildren(), fixtures.session(), "cluster-producer", count ->
            {
                final BlockingQueue<Long> queue = context.queue(NAME, QUEUE_CAPACITY);
                final int messages = (Integer)count;
                for (long i = 0; i < messages; i++)
                {
                    queue.put(i);
                }
                return messages;
            }));
        final BlockingQueue<Long> queue = context.queue(NAME, QUEUE_CAPACITY);
        final int messages = scaled(size, QUEUE_DIVISOR);
        final long start = System.nanoTime();
        producer.send(messages);
        for (long i = 0; i < messages; i++)
        {
            final Long message = queue.poll(TAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (message == null || message != i)
            {
                throw new IllegalStateException("wrong message: expected=" + i + " received=" + message);
            }
        }
        final long elapsed = System.nanoTime() - start;
        final Object produced = producer.receive();
        if (!Integer.valueOf(messages).equals(produced))
        {
            throw new IllegalStateException("producer's count differs: expected=" + messages + " reported=" + produced);
        }
        return messages * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Row 6: {@code lock; v.set(v.get() + 1); unlock} with {@code context.lock} and {@code context.longValue},
     * half in this JVM and half in a warm child, a {@value #COUNTER_DIVISOR}th of the row's size in all; the
     * value must then be exact.
     *
     * @param fixtures where the cluster and the child are kept.
     * @param size     the row's size.
     * @return increments per second.
     * @throws Exception if the count is wrong.
     */
    static double lockedCounter(final Fixtures fixtures, final int size) throws Exception
    {
        final ClusterContext context = cluster(fixtures).context();
        final Mp4jServant child = fixtures.warm("cluster counter", Mp4jServant.class, () ->
            Mp4jServant.start(LoopbackCluster.silentChildren(), fixtures.session(), "cluster-counter", times ->
            {
                incrementUnderLock(context, (Integer)times);
                return times;
            }));
        final LongValue value = context.longValue(NAME, 0);
        value.set(0);
        final int increments = scaled(size, COUNTER_DIVISOR);
        final int childShare = increments / 2;
        final long start = System.nanoTime();
        child.send(childShare);
        incrementUnderLock(context, increments - childShare);
        final Object childDone = child.receive();
        final long elapsed = System.nanoTime() - start;
        if (!Integer.valueOf(childShare).equals(childDone))
        {
            throw new IllegalStateException("child's share differs: expected=" + childShare + " reported=" + childDone);
        }
        if (value.get() != increments)
        {
            throw new IllegalStateException("lost or extra increments: count=" + value.get() + " expected=" + increments);
        }
        return increments * NANOS_PER_SECOND / elapsed;
    }

    /**
     * Row 7: a warm child does {@code put} then {@code get} on {@code context.dict}, timing itself, over a
     * {@value #DICT_DIVISOR}th of the row's size; this JVM then reads the child's last write.
     *
     * @param fixtures where the cluster and the child are kept.
     * @param size     the row's size.
     * @return operations per second.
     * @throws Exception if a read is wrong.
     */
    static double dict(final Fixtures fixtures, final int size) throws Exception
    {
        final ClusterContext context = cluster(fixtures).context();
        final Mp4jServant child = fixtures.warm("cluster dict", Mp4jServant.class, () ->
        {
            final Mp4jServant started = Mp4jServant.start(LoopbackCluster.silentChildren(), fixtures.session(),
                "cluster-dict", pairs -> DictTrials.setAndGet(context.dict(NAME), (Integer)pairs));
            try
            {
                // Waits for the child to have connected and opened the dict.
                started.call(1);
                return started;
            }
            catch (final RuntimeException ex)
            {
                started.close();
                throw ex;
            }
        });
        final int pairs = Math.max(1, scaled(size, DICT_DIVISOR) / 2);
        final long elapsed = (Long)child.call(pairs);
        final ConcurrentMap<Integer, Integer> dict = context.dict(NAME);
        final Integer last = dict.get((pairs - 1) % DictTrials.KEYS);
        if (last == null || last != pairs - 1)
        {
            throw new IllegalStateException("wrong read: expected=" + (pairs - 1) + " read=" + last);
        }
        return 2 * pairs * NANOS_PER_SECOND / elapsed;
    }

    private static LoopbackCluster cluster(final Fixtures fixtures) throws Exception
    {
        return fixtures.warm("cluster", LoopbackCluster.class, LoopbackCluster::start);
    }

    private static void incrementUnderLock(final ClusterContext context, final int times)
    {
        LockedCounterTrials.incrementUnderLock(context.lock(NAME), context.longValue(NAME, 0), times);
    }

    private static double medianApply(final WorkerPool pool, final int size)
    {
        final long[] nanos = new long[size];
        for (int i = 0; i < size; i++)
        {
            final long start = System.nanoTime();
            final int answer = pool.apply(() -> 42);
            nanos[i] = System.nanoTime() - start;
            checkAnswer(answer);
        }
        Arrays.sort(nanos);
        return nanos[RoundTripTrials.nearestRank(50, size)] / NANOS_PER_MICRO;
    }

    private static int scaled(final int size, final int divisor)
    {
        return Math.max(10, size / divisor);
    }

    private static void checkAnswer(final int answer)
    {
        if (answer != 42)
        {
            throw new IllegalStateException("wrong answer: " + answer);
        }
    }
}
