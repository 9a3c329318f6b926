package io.mp4j.bench.compare;

import io.mp4j.connection.Connection;

import java.io.Serial;
import java.util.Arrays;

/**
 * Row 1: round trips through a pipe to a child that echoes each message back, {@code size} of them, as a
 * percentile in microseconds; either back to back, or each after the sender has idled for a while, so
 * that the echoing child has been waiting that long (the "idle then burst" regime). The sender idles by
 * watching the clock, so the wait is exact. Percentiles are nearest-rank over the sorted round trips,
 * computed the same way by the CPython script. The message is the round trip's number, checked when it
 * comes back.
 */
final class RoundTripTrials
{
    private static final double NANOS_PER_MICRO = 1e3;

    private RoundTripTrials()
    {
    }

    /**
     * mp4j: a {@link io.mp4j.connection.Pipe} to a warm child, both ends waiting with the JVM's default strategy.
     *
     * @param fixtures   where the echoing child is kept.
     * @param size       how many round trips.
     * @param percentile which percentile to return, e.g. 50.
     * @param idleNanos  how long the sender idles before each message; 0 for back to back.
     * @return the percentile, in microseconds.
     * @throws Exception if the child cannot start or echoes something else.
     */
    static double mp4j(final Fixtures fixtures, final int size, final double percentile, final long idleNanos)
        throws Exception
    {
        final Connection end = fixtures.warm("mp4j echo", Mp4jServant.class,
            () -> Mp4jServant.start(fixtures.session(), "echo", request -> request)).connection();
        return measure(size, percentile, idleNanos, value ->
        {
            end.send(value);
            return (Long)end.recv();
        });
    }

    /**
     * Plain Java: the hand-rolled worker JVM echoes each request, over its stdin and stdout.
     *
     * @param fixtures   where the worker is kept.
     * @param size       how many round trips.
     * @param percentile which percentile to return.
     * @param idleNanos  how long the sender idles before each message.
     * @return the percentile, in microseconds.
     * @throws Exception if the worker fails or echoes something else.
     */
    static double plainJava(final Fixtures fixtures, final int size, final double percentile, final long idleNanos)
        throws Exception
    {
        final PlainChildJvm worker = fixtures.plainWorker();
        return measure(size, percentile, idleNanos, value -> (Long)worker.exchange(new Echo(value)));
    }

    private static double measure(final int size, final double percentile, final long idleNanos, final Exchange exchange)
        throws Exception
    {
        final long[] nanos = new long[size];
        for (int i = 0; i < size; i++)
        {
            if (idleNanos > 0)
            {
                final long resume = System.nanoTime() + idleNanos;
                while (System.nanoTime() < resume)
                {
                    Thread.onSpinWait();
                }
            }
            final long start = System.nanoTime();
            final long echoed = exchange.roundTrip(i);
            nanos[i] = System.nanoTime() - start;
            if (echoed != i)
            {
                throw new IllegalStateException("wrong echo: sent=" + i + " received=" + echoed);
            }
        }
        Arrays.sort(nanos);
        return nanos[nearestRank(percentile, size)] / NANOS_PER_MICRO;
    }

    /**
     * The index of a percentile in {@code count} sorted samples, by the nearest-rank method.
     *
     * @param percentile between 0 and 100.
     * @param count      how many samples.
     * @return the index, from 0.
     */
    static int nearestRank(final double percentile, final int count)
    {
        return Math.max(0, (int)Math.ceil(percentile / 100 * count) - 1);
    }

    /** One round trip of a value. */
    @FunctionalInterface
    private interface Exchange
    {
        long roundTrip(long value) throws Exception;
    }

    /** The plain worker's echo: the reply is the value sent. */
    static final class Echo implements PlainWorkerMain.Request
    {
        @Serial
        private static final long serialVersionUID = 1L;

        private final long value;

        Echo(final long value)
        {
            this.value = value;
        }

        @Override
        public Object run()
        {
            return value;
        }
    }
}
