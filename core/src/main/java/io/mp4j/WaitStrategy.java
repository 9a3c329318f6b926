package io.mp4j;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * How a blocked call waits for another process to change shared memory. Every blocking primitive in
 * mp4j waits through a {@code Waiter} with one of these, chosen per primitive, per process context, or
 * for the whole JVM with the {@value #PROPERTY} system property.
 * <ul>
 *     <li>{@link #BUSY_SPIN}: never leaves the CPU; lowest latency (a ring round trip in ~0.2 µs), costs
 *     a core per waiter, idle or not.</li>
 *     <li>{@link #DEFAULT}: spins for {@value #SPIN_MICROS_PROPERTY} µs (default
 *     {@value #DEFAULT_SPIN_MICROS}), then yields for {@value #YIELD_MICROS_PROPERTY} µs (default
 *     {@value #DEFAULT_YIELD_MICROS}: on a busy machine a yield lets the process it waits for run),
 *     then sleeps in the kernel on a doorbell (a Unix-domain socket) that the changing process rings: messages in a
 *     burst are answered while spinning, and an idle waiter costs no CPU yet wakes in tens of µs.</li>
 *     <li>{@link #LOW_CPU}: goes to sleep on the doorbell after about a microsecond of spinning: least
 *     CPU, every message after a pause pays the kernel's wake-up.</li>
 * </ul>
 */
public enum WaitStrategy
{
    /** Spin on the CPU until the condition holds. */
    BUSY_SPIN(Long.MAX_VALUE, 0),
    /** Spin, then yield, then sleep on the doorbell. */
    DEFAULT(
        TimeUnit.MICROSECONDS.toNanos(Long.getLong("mp4j.wait.spinMicros", WaitStrategy.DEFAULT_SPIN_MICROS)),
        TimeUnit.MICROSECONDS.toNanos(Long.getLong("mp4j.wait.yieldMicros", WaitStrategy.DEFAULT_YIELD_MICROS))),
    /** Spin for about a microsecond, then sleep on the doorbell. */
    LOW_CPU(TimeUnit.MICROSECONDS.toNanos(1), 0);

    /** System property naming the default strategy: {@code busy-spin}, {@code default} or {@code low-cpu}. */
    public static final String PROPERTY = "mp4j.wait";

    /** System property: how long {@link #DEFAULT} spins before it yields or sleeps, in µs. */
    public static final String SPIN_MICROS_PROPERTY = "mp4j.wait.spinMicros";

    /** System property: how long {@link #DEFAULT} yields after spinning before it sleeps, in µs. */
    public static final String YIELD_MICROS_PROPERTY = "mp4j.wait.yieldMicros";

    /** How long {@link #DEFAULT} spins unless {@value #SPIN_MICROS_PROPERTY} says otherwise, in µs. */
    public static final long DEFAULT_SPIN_MICROS = 10;

    /** How long {@link #DEFAULT} yields unless {@value #YIELD_MICROS_PROPERTY} says otherwise, in µs. */
    public static final long DEFAULT_YIELD_MICROS = 40;

    /**
     * The longest single timed park of a waiter that cannot use a doorbell (every slot of the region's
     * {@code WaitBoard} taken, or a wait on something without a board); bounds how late it notices.
     */
    public static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    private final long spinNanos;
    private final long yieldNanos;

    WaitStrategy(final long spinNanos, final long yieldNanos)
    {
        this.spinNanos = spinNanos;
        this.yieldNanos = yieldNanos;
    }

    /**
     * The JVM-wide default: the {@value #PROPERTY} system property if set, else {@link #DEFAULT}.
     *
     * @return the default strategy.
     * @throws IllegalArgumentException if the property names no strategy.
     */
    public static WaitStrategy defaultStrategy()
    {
        final String configured = System.getProperty(PROPERTY);
        return configured == null || configured.isBlank() ? DEFAULT : parse(configured);
    }

    /**
     * The strategy with the given name, as written in configuration.
     *
     * @param name {@code busy-spin}, {@code default} or {@code low-cpu}, in any case, with {@code -} or {@code _}.
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
        throw new IllegalArgumentException("unknown wait strategy: name=" + name + " (busy-spin, default, low-cpu)");
    }

    /**
     * How long a waiter spins before it yields or sleeps.
     *
     * @return nanoseconds; {@link Long#MAX_VALUE} for {@link #BUSY_SPIN}.
     */
    public long spinNanos()
    {
        return spinNanos;
    }

    /**
     * How long a waiter yields after spinning, before it sleeps.
     *
     * @return nanoseconds.
     */
    public long yieldNanos()
    {
        return yieldNanos;
    }
}
