package io.mp4j.shared;

/**
 * A {@code double} shared by processes: what a {@code MultiprocessingContext} hands out for Python's
 * {@code Value('d', x)}, whichever backend holds it ({@link SharedDouble} in shared memory on one machine, an
 * atomic of a cluster). Every operation is atomic across the processes that hold the value; comparisons in
 * {@link #compareAndSet(double, double)} are of the bits, as {@link Double#doubleToRawLongBits(double)} gives them.
 */
public interface DoubleValue
{
    /**
     * Reads the value with volatile semantics.
     *
     * @return the value.
     */
    double get();

    /**
     * Writes the value with volatile semantics.
     *
     * @param value the new value.
     */
    void set(double value);

    /**
     * Writes the value and returns the old one, atomically.
     *
     * @param value the new value.
     * @return the previous value.
     */
    double getAndSet(double value);

    /**
     * Sets the value to {@code update} if its bits are those of {@code expected}, atomically.
     *
     * @param expected the value it must have.
     * @param update   the value it gets.
     * @return true if the value was {@code expected} and is now {@code update}.
     */
    boolean compareAndSet(double expected, double update);

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add.
     * @return the value before the addition.
     */
    double getAndAdd(double delta);

    /**
     * Adds {@code delta} atomically.
     *
     * @param delta what to add.
     * @return the value after the addition.
     */
    double addAndGet(double delta);
}
