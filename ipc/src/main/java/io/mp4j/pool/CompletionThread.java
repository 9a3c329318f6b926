package io.mp4j.pool;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where what callers chain to a pool's futures runs ({@link PoolFuture}): a thread of the pool's own,
 * started with the first such action, never the engine's thread or a thread under its lock, where a chained
 * call to the pool would wait for itself and a blocking callback would stall the pool. Once the pool has
 * ended, an action runs in the thread that chains it: the engine runs nothing more then.
 */
final class CompletionThread implements Executor
{
    private final String name;
    private final Object lock = new Object();
    private ExecutorService executor;
    private boolean ended;

    /**
     * A completion thread, not started yet.
     *
     * @param name the thread's name.
     */
    CompletionThread(final String name)
    {
        this.name = name;
    }

    @Override
    public void execute(final Runnable action)
    {
        final ExecutorService running;
        synchronized (lock)
        {
            if (executor == null && !ended)
            {
                executor = Executors.newSingleThreadExecutor(completing ->
                {
                    final Thread thread = new Thread(completing, name);
                    thread.setDaemon(true);
                    return thread;
                });
            }
            running = ended ? null : executor;
        }
        if (running != null)
        {
            try
            {
                running.execute(action);
                return;
            }
            catch (final RejectedExecutionException ex)
            {
                // The pool ended meanwhile.
            }
        }
        action.run();
    }

    /** Lets the thread finish what it was given, then end; later actions run where they are chained. */
    void end()
    {
        synchronized (lock)
        {
            ended = true;
            if (executor != null)
            {
                executor.shutdown();
            }
        }
    }
}
