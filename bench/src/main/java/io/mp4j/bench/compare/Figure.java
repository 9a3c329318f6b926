package io.mp4j.bench.compare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one competitor scored on one workload: the figure of every repetition, summarised as the
 * median with the spread (min–max); or why there is no figure (absent, or failed).
 * <p>
 * Filled by the comparison's one thread, read after the run.
 */
public final class Figure
{
    private final String description;
    private final String absentReason;
    private final List<Double> samples = new ArrayList<>();
    private String failure;

    private Figure(final String description, final String absentReason)
    {
        this.description = description;
        this.absentReason = absentReason;
    }

    /**
     * The figure of a competitor that runs the workload; repetitions are added as they finish.
     *
     * @param description how the competitor runs it.
     * @return an empty figure.
     */
    public static Figure running(final String description)
    {
        return new Figure(Objects.requireNonNull(description, "description"), null);
    }

    /**
     * The figure of a competitor that does not run the workload.
     *
     * @param reason why, e.g. {@code "python3 not found"}.
     * @return a figure with no samples.
     */
    public static Figure absent(final String reason)
    {
        return new Figure(null, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Adds one repetition's figure.
     *
     * @param value the figure, finite and positive.
     * @throws IllegalArgumentException if the value is not a finite positive number.
     */
    public void add(final double value)
    {
        if (!(value > 0) || Double.isInfinite(value))
        {
            throw new IllegalArgumentException("not a finite positive figure: value=" + value);
        }
        samples.add(value);
    }

    /**
     * Records that a repetition failed; the competitor runs no more repetitions of this workload.
     *
     * @param message what went wrong.
     */
    public void fail(final String message)
    {
        failure = Objects.requireNonNull(message, "message");
    }

    /**
     * Whether there is a figure to show: the competitor ran and did not fail.
     *
     * @return true if there is a median.
     */
    public boolean hasValue()
    {
        return failure == null && !samples.isEmpty();
    }

    /**
     * Whether the competitor ran and failed.
     *
     * @return true after {@link #fail(String)}.
     */
    public boolean hasFailed()
    {
        return failure != null;
    }

    /**
     * The median of the repetitions (the mean of the middle two for an even count).
     *
     * @return the median.
     * @throws IllegalStateException if there is no figure.
     */
    public double median()
    {
        final double[] sorted = sorted();
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * The lowest repetition.
     *
     * @return the minimum.
     * @throws IllegalStateException if there is no figure.
     */
    public double min()
    {
        return sorted()[0];
    }

    /**
     * The highest repetition.
     *
     * @return the maximum.
     * @throws IllegalStateException if there is no figure.
     */
    public double max()
    {
        final double[] sorted = sorted();
        return sorted[sorted.length - 1];
    }

    /**
     * Every repetition's figure, in the order they ran.
     *
     * @return an unmodifiable list.
     */
    public List<Double> samples()
    {
        return Collections.unmodifiableList(samples);
    }

    /**
     * How the competitor ran the workload.
     *
     * @return a few words, or empty if absent.
     */
    public Optional<String> description()
    {
        return Optional.ofNullable(description);
    }

    /**
     * Why there is no figure: the absence reason, or {@code "failed: ..."}.
     *
     * @return the reason, or empty if there is a figure.
     */
    public Optional<String> missingReason()
    {
        if (absentReason != null)
        {
            return Optional.of(absentReason);
        }
        if (failure != null)
        {
            return Optional.of("failed: " + failure);
        }
        return samples.isEmpty() ? Optional.of("no repetitions") : Optional.empty();
    }

    private double[] sorted()
    {
        if (!hasValue())
        {
            throw new IllegalStateException("no figure: " + missingReason().orElse(""));
        }
        final double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }
}
