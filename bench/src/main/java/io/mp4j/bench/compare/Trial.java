package io.mp4j.bench.compare;

/**
 * One repetition of a workload by one competitor: does the work at the given size and returns the
 * figure in the workload's {@link Unit}. It times only the work itself (preparing inputs and checking
 * results are left out of the clock), and it throws if the work went wrong, e.g. a wrong result.
 * <p>
 * Called from the comparison's one thread, between the other competitors' turns.
 */
@FunctionalInterface
public interface Trial
{
    /**
     * Runs the workload once.
     *
     * @param size the workload's size for this run (items, round trips, starts...).
     * @return the figure, in the workload's unit.
     * @throws Exception if the work fails; the competitor's cell then reports the failure.
     */
    double run(int size) throws Exception;
}
