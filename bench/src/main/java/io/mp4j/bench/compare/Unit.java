package io.mp4j.bench.compare;

/**
 * The unit a workload's figure is reported in, and which direction is better. A workload's trials
 * return plain numbers in its unit; ratios are oriented by {@link #higherIsBetter()}.
 */
public enum Unit
{
    /** Milliseconds per operation: lower is better. */
    MILLISECONDS("ms", false),

    /** Microseconds per operation: lower is better. */
    MICROSECONDS("µs", false),

    /** Nanoseconds per item: lower is better. */
    NANOSECONDS("ns", false),

    /** Bytes per item: lower is better. */
    BYTES("bytes", false),

    /** Seconds per run: lower is better. */
    SECONDS("s", false),

    /** Tasks completed per second: higher is better. */
    TASKS_PER_SECOND("tasks/s", true),

    /** Messages delivered per second: higher is better. */
    MESSAGES_PER_SECOND("msgs/s", true),

    /** Increments of a shared value per second: higher is better. */
    INCREMENTS_PER_SECOND("increments/s", true),

    /** Operations per second: higher is better. */
    OPERATIONS_PER_SECOND("ops/s", true),

    /** Gigabytes (10^9 bytes) per second: higher is better. */
    GIGABYTES_PER_SECOND("GB/s", true),

    /** How many times faster than the same work done serially: higher is better. */
    SPEED_UP("×", true);

    private final String symbol;
    private final boolean higherIsBetter;

    Unit(final String symbol, final boolean higherIsBetter)
    {
        this.symbol = symbol;
        this.higherIsBetter = higherIsBetter;
    }

    /**
     * How the unit is written in the table, the JSON and the chart.
     *
     * @return e.g. {@code "ms"} or {@code "tasks/s"}.
     */
    public String symbol()
    {
        return symbol;
    }

    /**
     * Whether a larger figure is a better one (throughput) or a worse one (latency, duration).
     *
     * @return true for rates, false for times.
     */
    public boolean higherIsBetter()
    {
        return higherIsBetter;
    }

    /**
     * How many times better {@code figure} is than {@code reference}: above 1 when {@code figure} is
     * better, whichever direction is better in this unit.
     *
     * @param figure    the figure being judged (mp4j's).
     * @param reference the figure it is judged against.
     * @return the ratio, oriented so that above 1 favours {@code figure}.
     */
    public double advantage(final double figure, final double reference)
    {
        return higherIsBetter ? figure / reference : reference / figure;
    }
}
