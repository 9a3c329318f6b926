package io.mp4j.bench.compare;

import java.util.Objects;
import java.util.Optional;

/**
 * One competitor's entry in a workload: a {@link Trial} and a few words on how it runs
 * (e.g. {@code "Pool(2), fork"}), or the reason it is absent (e.g. {@code "python3 not found"},
 * {@code "n/a"}), which the table shows in its cell.
 */
public final class Contender
{
    private final Trial trial;
    private final String description;
    private final String absentReason;

    private Contender(final Trial trial, final String description, final String absentReason)
    {
        this.trial = trial;
        this.description = description;
        this.absentReason = absentReason;
    }

    /**
     * A competitor that runs the workload.
     *
     * @param description how it runs, in a few words, for the JSON and the table's notes.
     * @param trial       one repetition.
     * @return the entry.
     */
    public static Contender of(final String description, final Trial trial)
    {
        return new Contender(Objects.requireNonNull(trial, "trial"), Objects.requireNonNull(description, "description"),
            null);
    }

    /**
     * A competitor that cannot run the workload, and why.
     *
     * @param reason a few words for the table's cell, e.g. {@code "n/a"} or {@code "python3 not found"}.
     * @return the entry.
     */
    public static Contender absent(final String reason)
    {
        return new Contender(null, null, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Whether this competitor runs the workload.
     *
     * @return false if it is absent.
     */
    public boolean isPresent()
    {
        return trial != null;
    }

    /**
     * The repetition to run.
     *
     * @return the trial.
     * @throws IllegalStateException if the competitor is absent.
     */
    public Trial trial()
    {
        if (trial == null)
        {
            throw new IllegalStateException("absent competitor has no trial: reason=" + absentReason);
        }
        return trial;
    }

    /**
     * How the competitor runs the workload.
     *
     * @return a few words, or empty if absent.
     */
    public Optional<String> description()
    {
        return Optional.ofNullable(description);
    }

    /**
     * Why the competitor is absent.
     *
     * @return the reason, or empty if present.
     */
    public Optional<String> absentReason()
    {
        return Optional.ofNullable(absentReason);
    }
}
