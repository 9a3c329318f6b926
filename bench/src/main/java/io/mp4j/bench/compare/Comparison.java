package io.mp4j.bench.compare;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs workloads the fair way: for each workload, the competitors take turns within every repetition
 * (mp4j, CPython, plain Java; then again), after warm-up repetitions that are not counted, so that a
 * burst of noise from the rest of the machine lands on all of them alike. A competitor whose
 * repetition fails runs no more repetitions of that workload; the others go on.
 * <p>
 * Used from one thread.
 */
public final class Comparison
{
    private final boolean quick;
    private final int repetitions;
    private final int warmups;
    private final PrintStream progress;

    /**
     * A comparison with its settings.
     *
     * @param quick       whether to run the workloads at their quick sizes.
     * @param repetitions how many counted repetitions per competitor; at least 1.
     * @param warmups     how many uncounted repetitions per competitor come first.
     * @param progress    where to report each repetition as it finishes.
     */
    public Comparison(final boolean quick, final int repetitions, final int warmups, final PrintStream progress)
    {
        if (repetitions < 1 || warmups < 0)
        {
            throw new IllegalArgumentException(
                "need at least one repetition: repetitions=" + repetitions + " warmups=" + warmups);
        }
        this.quick = quick;
        this.repetitions = repetitions;
        this.warmups = warmups;
        this.progress = progress;
    }

    /**
     * Runs every workload, in order.
     *
     * @param workloads the workloads.
     * @return one result per workload, in the same order.
     * @throws InterruptedException if interrupted; the run stops.
     */
    public List<WorkloadResult> run(final List<Workload> workloads) throws InterruptedException
    {
        final List<WorkloadResult> results = new ArrayList<>(workloads.size());
        for (final Workload workload : workloads)
        {
            results.add(run(workload));
        }
        return results;
    }

    /**
     * Runs one workload.
     *
     * @param workload the workload.
     * @return its result.
     * @throws InterruptedException if interrupted; the run stops.
     */
    public WorkloadResult run(final Workload workload) throws InterruptedException
    {
        final int size = workload.size(quick);
        final WorkloadResult result = new WorkloadResult(workload, size, repetitions);
        for (int round = -warmups; round < repetitions; round++)
        {
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-4s %-38s %s",
                workload.id(), workload.name(), round < 0 ? "warm-up" : "rep " + (round + 1) + '/' + repetitions));
            for (final Competitor competitor : Competitor.values())
            {
                final Contender contender = workload.contender(competitor);
                final Figure figure = result.figure(competitor);
                if (!contender.isPresent() || figure.hasFailed())
                {
                    continue;
                }
                line.append("  ").append(competitor.title()).append(' ');
                try
                {
                    final double value = contender.trial().run(size);
                    if (round >= 0)
                    {
                        figure.add(value);
                    }
                    line.append(Numbers.format(value));
                }
                catch (final InterruptedException ex)
                {
                    throw ex;
                }
                catch (final Exception ex)
                {
                    figure.fail(ex.getClass().getSimpleName() + ": " + ex.getMessage());
                    line.append("FAILED");
                    ex.printStackTrace(progress);
                }
            }
            progress.println(line.append("  ").append(workload.unit().symbol()));
        }
        return result;
    }
}
