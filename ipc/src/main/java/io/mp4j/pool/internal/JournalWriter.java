package io.mp4j.pool.internal;

import java.nio.file.Path;

/**
 * Where a pool journals its calls, tasks and results; implemented where the journal's store lives (the
 * Chronicle artifact) and found through {@link java.util.ServiceLoader} by its {@link Opener}. Written by
 * the pool's engine thread only.
 */
public interface JournalWriter extends AutoCloseable
{
    /** The artifact that provides the journal. */
    String ARTIFACT = "io.mp4j:mp4j-chronicle";

    /**
     * Opens journals.
     */
    interface Opener
    {
        /**
         * Opens the journal in a directory, creating it if needed.
         *
         * @param directory where the journal's files live.
         * @return the journal, for writing.
         */
        JournalWriter open(Path directory);
    }

    /**
     * Records a call as it starts.
     *
     * @param runId       the pool instance.
     * @param callId      the call within it.
     * @param description what the call is.
     * @param function    the serialized function.
     * @param taskCount   how many tasks the call has.
     */
    void callStarted(long runId, long callId, String description, byte[] function, int taskCount);

    /**
     * Records a task's items as it is submitted.
     *
     * @param runId  the pool instance.
     * @param callId the call.
     * @param index  the task's index in the call.
     * @param items  the serialized items.
     */
    void taskSubmitted(long runId, long callId, int index, byte[] items);

    /**
     * Records a task's results.
     *
     * @param runId   the pool instance.
     * @param callId  the call.
     * @param index   the task's index in the call.
     * @param results the serialized results.
     */
    void taskCompleted(long runId, long callId, int index, byte[] results);

    /**
     * Records that a call ended.
     *
     * @param runId  the pool instance.
     * @param callId the call.
     */
    void callEnded(long runId, long callId);

    /** Closes the journal; idempotent. */
    @Override
    void close();
}
