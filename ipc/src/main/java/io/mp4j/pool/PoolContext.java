package io.mp4j.pool;

import io.mp4j.WaitStrategy;
import io.mp4j.process.Multiprocessing;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessTarget;

import java.time.Duration;

/**
 * How a pool is set up: Python's {@code Pool(processes, initializer, initargs, maxtasksperchild)}
 * and mp4j's own settings. Fluent setters, then {@link #conclude()} fills the defaults.
 */
public final class PoolContext
{
    private int processes;
    private ProcessTarget initializer;
    private int maxTasksPerChild;
    private int maxAttempts = 3;
    private int maxTasksInFlight = 16;
    private int ringCapacity = 8 * 1024 * 1024;
    private Duration stopTimeout = Duration.ofSeconds(10);
    private WaitStrategy waitStrategy;
    private ProcessContext processContext;
    private java.nio.file.Path journal;
    private String host;
    private Duration leaseTimeout = Duration.ofSeconds(10);
    private ProgressListener progress;
    private Duration progressInterval = Duration.ofMillis(500);

    /**
     * Sets the worker host whose warm workers the pool leases instead of starting JVMs; default none.
     * The number of workers defaults to the host's. {@link #maxTasksPerChild(int)} cannot be used
     * with a host: its workers outlive the pool.
     *
     * @param host the name the host was started under, or null to start workers.
     * @return this.
     */
    public PoolContext host(final String host)
    {
        this.host = host;
        return this;
    }

    /**
     * The worker host to lease workers from.
     *
     * @return the host's name, or null.
     */
    public String host()
    {
        return host;
    }

    /**
     * Sets how long the pool waits for a host's worker to be free; default 10 s.
     *
     * @param leaseTimeout the wait.
     * @return this.
     */
    public PoolContext leaseTimeout(final Duration leaseTimeout)
    {
        this.leaseTimeout = leaseTimeout;
        return this;
    }

    /**
     * How long the pool waits for a host's worker to be free.
     *
     * @return the wait.
     */
    public Duration leaseTimeout()
    {
        return leaseTimeout;
    }

    /**
     * Sets a directory where the pool journals its calls, tasks and results in a Chronicle Queue,
     * so that a parent restarted after a crash can {@link Pool#resume(JournaledCall) resume} them;
     * default none. Opening the journal loads Chronicle Queue in this JVM (workers never do).
     *
     * @param journal the journal's directory, outside any session; null for none.
     * @return this.
     */
    public PoolContext journal(final java.nio.file.Path journal)
    {
        this.journal = journal;
        return this;
    }

    /**
     * Where the pool journals its calls.
     *
     * @return the journal's directory, or null.
     */
    public java.nio.file.Path journal()
    {
        return journal;
    }

    /**
     * Sets how many worker JVMs; default {@link Multiprocessing#cpuCount()}. Fewer than 1 is refused
     * here, as Python's {@code Pool(0)} raises {@code ValueError}.
     *
     * @param processes at least 1.
     * @return this.
     * @throws IllegalArgumentException if {@code processes} is less than 1.
     */
    public PoolContext processes(final int processes)
    {
        if (processes < 1)
        {
            throw new IllegalArgumentException("processes must be at least 1: processes=" + processes);
        }
        this.processes = processes;
        return this;
    }

    /**
     * How many worker JVMs.
     *
     * @return the number of workers; 0 with a host until the pool reads the host's worker count.
     */
    public int processes()
    {
        return processes;
    }

    /**
     * Sets what each worker runs once before its first task: Python's {@code initializer} (capture
     * {@code initargs} in the lambda). If it throws, the pool breaks and every call fails with its error.
     *
     * @param initializer the initializer, or null for none.
     * @return this.
     */
    public PoolContext initializer(final ProcessTarget initializer)
    {
        this.initializer = initializer;
        return this;
    }

    /**
     * The initializer.
     *
     * @return the initializer, or null.
     */
    public ProcessTarget initializer()
    {
        return initializer;
    }

    /**
     * Sets after how many tasks (chunks) a worker is replaced by a fresh JVM: Python's
     * {@code maxtasksperchild}. Workers are never replaced unless this is set (Python's {@code None});
     * fewer than 1 is refused here, as Python raises {@code ValueError}.
     *
     * @param maxTasksPerChild at least 1.
     * @return this.
     * @throws IllegalArgumentException if {@code maxTasksPerChild} is less than 1.
     */
    public PoolContext maxTasksPerChild(final int maxTasksPerChild)
    {
        if (maxTasksPerChild < 1)
        {
            throw new IllegalArgumentException(
                "maxTasksPerChild must be at least 1: maxTasksPerChild=" + maxTasksPerChild);
        }
        this.maxTasksPerChild = maxTasksPerChild;
        return this;
    }

    /**
     * After how many tasks a worker is replaced.
     *
     * @return the limit, or 0 if workers are never replaced.
     */
    public int maxTasksPerChild()
    {
        return maxTasksPerChild;
    }

    /**
     * Sets how many times a chunk may be started on workers that die before the call fails; default 3.
     *
     * @param maxAttempts at least 1.
     * @return this.
     */
    public PoolContext maxAttempts(final int maxAttempts)
    {
        this.maxAttempts = maxAttempts;
        return this;
    }

    /**
     * How many times a chunk may be started.
     *
     * @return the limit.
     */
    public int maxAttempts()
    {
        return maxAttempts;
    }

    /**
     * Sets how many chunks a worker may hold at once (queued in its ring or running); default 16.
     *
     * @param maxTasksInFlight at least 1.
     * @return this.
     */
    public PoolContext maxTasksInFlight(final int maxTasksInFlight)
    {
        this.maxTasksInFlight = maxTasksInFlight;
        return this;
    }

    /**
     * How many chunks a worker may hold at once.
     *
     * @return the limit.
     */
    public int maxTasksInFlight()
    {
        return maxTasksInFlight;
    }

    /**
     * Sets the capacity of each ring between the pool and a worker, a power of two; default 8 MiB
     * (pages are only used as far as messages reach, and each is faulted in once by each side the first
     * time a message reaches it: a larger ring makes a fresh pool's first calls slower). Chunks or results
     * larger than an eighth of it travel through a file in the session instead, and the default chunk size
     * is at most one 256th of it in items.
     *
     * @param ringCapacity bytes, a power of two.
     * @return this.
     */
    public PoolContext ringCapacity(final int ringCapacity)
    {
        this.ringCapacity = ringCapacity;
        return this;
    }

    /**
     * The capacity of each ring.
     *
     * @return bytes.
     */
    public int ringCapacity()
    {
        return ringCapacity;
    }

    /**
     * Sets how long a graceful stop waits for a worker before killing it; default 10 s.
     *
     * @param stopTimeout the wait.
     * @return this.
     */
    public PoolContext stopTimeout(final Duration stopTimeout)
    {
        this.stopTimeout = stopTimeout;
        return this;
    }

    /**
     * How long a graceful stop waits for a worker.
     *
     * @return the wait.
     */
    public Duration stopTimeout()
    {
        return stopTimeout;
    }

    /**
     * Sets how workers and the engine wait for messages; default {@link WaitStrategy#defaultStrategy()}.
     *
     * @param waitStrategy the strategy.
     * @return this.
     */
    public PoolContext waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = waitStrategy;
        return this;
    }

    /**
     * How workers and the engine wait.
     *
     * @return the strategy.
     */
    public WaitStrategy waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Sets a listener told how each call (map, imap, starmap, apply, their async forms) progresses:
     * items done, items in all, rate; default none. A resumed call reports nothing.
     *
     * @param progress the listener, e.g. a {@link ConsoleProgress}; null for none.
     * @return this.
     */
    public PoolContext progress(final ProgressListener progress)
    {
        this.progress = progress;
        return this;
    }

    /**
     * The listener told how calls progress.
     *
     * @return the listener, or null.
     */
    public ProgressListener progress()
    {
        return progress;
    }

    /**
     * Sets how often a call's progress is reported at most, besides its last report; default 500 ms.
     *
     * @param progressInterval the least time between two reports of a call.
     * @return this.
     */
    public PoolContext progressInterval(final Duration progressInterval)
    {
        this.progressInterval = progressInterval;
        return this;
    }

    /**
     * How often a call's progress is reported at most.
     *
     * @return the interval.
     */
    public Duration progressInterval()
    {
        return progressInterval;
    }

    /**
     * Sets how worker JVMs are started; default {@link ProcessContext#defaultContext()}. A process
     * context that names a worker host makes the pool lease that host's workers, as
     * {@link #host(String)} does (Python's {@code get_context(...).Pool()}).
     *
     * @param processContext the process context.
     * @return this.
     */
    public PoolContext processContext(final ProcessContext processContext)
    {
        this.processContext = processContext;
        return this;
    }

    /**
     * How worker JVMs are started.
     *
     * @return the process context.
     */
    public ProcessContext processContext()
    {
        return processContext;
    }

    /**
     * Validates the settings and fills the defaults.
     *
     * @return this.
     * @throws IllegalArgumentException if a setting is out of range.
     */
    public PoolContext conclude()
    {
        if (processContext == null)
        {
            processContext = ProcessContext.defaultContext();
        }
        processContext.conclude();
        if (host == null)
        {
            host = processContext.host();
        }
        if (host != null && maxTasksPerChild > 0)
        {
            throw new IllegalArgumentException(
                "maxTasksPerChild cannot be used with a worker host: host=" + host);
        }
        if (processes == 0 && host == null)
        {
            processes = Multiprocessing.cpuCount();
        }
        if ((processes < 1 && host == null) || maxAttempts < 1 || maxTasksInFlight < 1 || maxTasksPerChild < 0)
        {
            throw new IllegalArgumentException("invalid pool settings: processes=" + processes +
                " maxAttempts=" + maxAttempts + " maxTasksInFlight=" + maxTasksInFlight +
                " maxTasksPerChild=" + maxTasksPerChild);
        }
        if (Integer.bitCount(ringCapacity) != 1 || ringCapacity < 64 * 1024)
        {
            throw new IllegalArgumentException(
                "ring capacity must be a power of two of at least 64 KiB: ringCapacity=" + ringCapacity);
        }
        if (waitStrategy == null)
        {
            waitStrategy = WaitStrategy.defaultStrategy();
        }
        if (progressInterval == null || progressInterval.isNegative())
        {
            throw new IllegalArgumentException("invalid progress interval: progressInterval=" + progressInterval);
        }
        return this;
    }
}
