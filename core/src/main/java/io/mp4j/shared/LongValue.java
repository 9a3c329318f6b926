package io.mp4j.shared;

/**
 * A {@code long} shared by processes, with the atomic operations of
 * {@link java.util.concurrent.atomic.AtomicLong}: what a {@code MultiprocessingContext} hands out for Python's
 * {@code Value('q', x)}, whichever backend holds it ({@link SharedLong} in shared memory on one machine, an
 * atomic of a cluster). Every operation is atomic across the processes that hold the value.
 */
public interface LongValue
{
    /**
     * Reads the value with volatile semantics.
     *
     * @return the value.
     */
    long get();

    /**
     * Writes the value with volatile semantics.
     *
     * @param value the new value.
     */
    void set(long value);

    /**
     * Writes the value and returns the old one, atomically.
     *
     * @param value the new value.
     * @return the previous value.
     */
    long getAndSet(long value);

    /**
     * Sets the value to {@code update} if it is {@code expected}, atomically.
     *
     * @param expected the value it must have.
     * @param update   the value it gets.
     * @return true if the value was {@code expected} and is now {@code update}.
     */
    boolean compareAndSet(long expected, long update);

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add.
     * @return the value before the addition.
     */
    long getAndAdd(long delta);

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add.
     * @return the value after the addition.
     */
    long addAndGet(long delta);

    /**
     * Adds one atomically.
     *
     * @return the value after the addition.
     */
    long incrementAndGet();

    /**
     * Subtracts one atomically.
     *
     * @return the value after the subtraction.
     */
    long decrementAndGet();
}
