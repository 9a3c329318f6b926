package io.mp4j.pool;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A pool call as its {@code PoolJournal} (in {@code mp4j-chronicle}) recorded it: the function, every task's items, and the results
 * of the tasks that finished. Read one back after the parent crashed to see how far a map got, and
 * hand it to {@link Pool#resume(JournaledCall)} to run only what is missing.
 *
 * @param runId       the pool instance that made the call (a random id per pool).
 * @param callId      the call's number within that pool.
 * @param description what the call was, e.g. {@code map(items=10000, chunksize=1)}.
 * @param function    the serialized function.
 * @param taskCount   how many tasks (chunks) the call has.
 * @param items       each task's serialized items, by task index.
 * @param results     each finished task's serialized results, by task index.
 * @param ended       whether the call ended (all results in, or failed) before the journal was read.
 */
public record JournaledCall(
    long runId,
    long callId,
    String description,
    byte[] function,
    int taskCount,
    Map<Integer, byte[]> items,
    Map<Integer, byte[]> results,
    boolean ended)
{
    /**
     * How many tasks finished.
     *
     * @return the number of tasks with results.
     */
    public int completedTasks()
    {
        return results.size();
    }

    /**
     * The tasks without results, which {@link Pool#resume(JournaledCall)} runs.
     *
     * @return task indexes in ascending order.
     */
    public List<Integer> unfinishedTasks()
    {
        final List<Integer> unfinished = new ArrayList<>();
        for (int i = 0; i < taskCount; i++)
        {
            if (!results.containsKey(i))
            {
                unfinished.add(i);
            }
        }
        return Collections.unmodifiableList(unfinished);
    }
}
