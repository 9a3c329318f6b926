package io.mp4j.core;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How a blocked call waits for another process to change shared memory: every blocking primitive in
 * mp4j waits through one of these, chosen per primitive or for the whole JVM with the
 * {@value #PROPERTY} system property.
 * <ul>
 *     <li>{@link #BUSY_SPIN}: never leaves the CPU; lowest latency, costs a core per waiter.</li>
 *     <li>{@link #BACKOFF}: spins briefly, then yields, then parks with growing pauses; an idle waiter
 *     costs almost no CPU but may answer tens to hundreds of microseconds late.</li>
 * </ul>
 * Each waiting thread takes its own {@link IdleStrategy} from {@link #newIdleStrategy()}: idle
 * strategies carry per-thread state.
 */
public enum WaitStrategy
{
    /** Spin on the CPU until the condition holds. */
    BUSY_SPIN,
    /** Spin, then yield, then park with exponential back-off up to {@link #MAX_PARK_NANOS}. */
    BACKOFF;

    /** System property naming the default strategy: {@code busy-spin} or {@code backoff}. */
    public static final String PROPERTY = "mp4j.wait";

    /** The longest single park of {@link #BACKOFF}; bounds how late an idle waiter notices a change. */
    public static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(1);
    private static final long MAX_SPINS = 200;
    private static final long MAX_YIELDS = 100;

    /**
     * The JVM-wide default: the {@value #PROPERTY} system property if set, else {@link #BACKOFF}.
     *
     * @return the default strategy.
     * @throws IllegalArgumentException if the property names no strategy.
     */
    public static WaitStrategy defaultStrategy()
    {
        final String configured = System.getProperty(PROPERTY);
        return configured == null || configured.isBlank() ? BACKOFF : parse(configured);
    }

    /**
     * The strategy with the given name, as written in configuration.
     *
     * @param name {@code busy-spin} or {@code backoff}, in any case, with {@code -} or {@code _}.
     * @return the strategy.
     * @throws IllegalArgumentException if the name matches no strategy.
     */
    public static WaitStrategy parse(final String name)
    {
        final String normalised = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final WaitStrategy strategy : values())
        {
            if (strategy.name().equals(normalised))
            {
                return strategy;
            }
        }
        throw new IllegalArgumentException("unknown wait strategy: name=" + name + " (busy-spin, backoff)");
    }

    /**
     * A fresh idle strategy for one waiting thread: call {@code idle()} after each failed check and
     * {@code reset()} once the wait is over.
     *
     * @return a new idle strategy, not to be shared between threads.
     */
    public IdleStrategy newIdleStrategy()
    {
        return switch (this)
        {
            case BUSY_SPIN -> new BusySpinIdleStrategy();
            case BACKOFF -> new BackoffIdleStrategy(MAX_SPINS, MAX_YIELDS, MIN_PARK_NANOS, MAX_PARK_NANOS);
        };
    }
}
