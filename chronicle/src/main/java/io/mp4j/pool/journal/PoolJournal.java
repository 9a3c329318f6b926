package io.mp4j.pool.journal;

import io.mp4j.chronicle.internal.JournalFile;
import io.mp4j.pool.JournaledCall;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;

import java.nio.file.Path;
import java.util.List;

/**
 * A durable record of a pool's calls, tasks and results in a Chronicle Queue, written by the pool as
 * it goes: the tasks of a call when it is submitted, each result as it arrives, the end of the call.
 * It survives the death of every process, so a parent restarted after a crash can read which calls
 * were unfinished and {@link Pool#resume(JournaledCall) resume} them, running only the missing tasks.
 * <p>
 * A pool configured with {@link PoolContext#journal(Path)} writes one when this artifact is on its
 * classpath. Opening one loads Chronicle Queue (about a second the first time in a JVM). Reading is for
 * any thread, preferably of a process that is not writing.
 */
public final class PoolJournal implements AutoCloseable
{
    private final JournalFile file;

    private PoolJournal(final JournalFile file)
    {
        this.file = file;
    }

    /**
     * Opens the journal in a directory, creating it if needed.
     *
     * @param directory where the journal's files live; not inside a session, which is removed on exit.
     * @return the journal.
     */
    public static PoolJournal open(final Path directory)
    {
        return new PoolJournal(JournalFile.open(directory));
    }

    /**
     * The journal's directory.
     *
     * @return the path given to {@link #open(Path)}.
     */
    public Path directory()
    {
        return file.directory();
    }

    /**
     * Every call in the journal, in the order they started, with what finished of each.
     *
     * @return the calls.
     */
    public List<JournaledCall> calls()
    {
        return file.calls();
    }

    /**
     * The calls that had not ended when the journal was last written: what a crashed parent left undone.
     *
     * @return the unfinished calls.
     */
    public List<JournaledCall> unfinishedCalls()
    {
        return file.unfinishedCalls();
    }

    /** Closes the journal; its files stay. Idempotent. */
    @Override
    public void close()
    {
        file.close();
    }
}
