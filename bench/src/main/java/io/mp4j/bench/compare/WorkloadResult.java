package io.mp4j.bench.compare;

import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A workload after the run: the size and number of repetitions it ran with, and each competitor's
 * {@link Figure}.
 */
public final class WorkloadResult
{
    private final Workload workload;
    private final int size;
    private final int repetitions;
    private final Map<Competitor, Figure> figures = new EnumMap<>(Competitor.class);

    /**
     * A result to be filled in.
     *
     * @param workload    the workload.
     * @param size        the size each repetition ran at.
     * @param repetitions how many repetitions were asked for.
     */
    public WorkloadResult(final Workload workload, final int size, final int repetitions)
    {
        this.workload = workload;
        this.size = size;
        this.repetitions = repetitions;
        for (final Competitor competitor : Competitor.values())
        {
            final Contender contender = workload.contender(competitor);
            figures.put(competitor, contender.isPresent() ?
                Figure.running(contender.description().orElseThrow()) :
                Figure.absent(contender.absentReason().orElseThrow()));
        }
    }

    /**
     * The workload.
     *
     * @return the workload.
     */
    public Workload workload()
    {
        return workload;
    }

    /**
     * The size each repetition ran at.
     *
     * @return the size, in the workload's size unit.
     */
    public int size()
    {
        return size;
    }

    /**
     * How many repetitions were asked for (a failed competitor may have fewer).
     *
     * @return the count.
     */
    public int repetitions()
    {
        return repetitions;
    }

    /**
     * A competitor's figure.
     *
     * @param competitor which competitor.
     * @return its figure.
     */
    public Figure figure(final Competitor competitor)
    {
        return figures.get(competitor);
    }

    /**
     * How many times better mp4j did than another competitor: above 1 means mp4j is better, in
     * whichever direction the unit counts as better.
     *
     * @param other the competitor mp4j is judged against.
     * @return the ratio of medians, or empty if either figure is missing.
     */
    public OptionalDouble mp4jAdvantageOver(final Competitor other)
    {
        return advantage(Competitor.MP4J, other);
    }

    /**
     * How many times better one competitor did than another: above 1 means the first is better, in whichever
     * direction the unit counts as better.
     *
     * @param competitor the competitor judged.
     * @param other      the competitor it is judged against.
     * @return the ratio of medians, or empty if either figure is missing.
     */
    public OptionalDouble advantage(final Competitor competitor, final Competitor other)
    {
        final Figure figure = figures.get(competitor);
        final Figure reference = figures.get(other);
        if (!figure.hasValue() || !reference.hasValue())
        {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(workload.unit().advantage(figure.median(), reference.median()));
    }
}
