package io.mp4j.bench;

import io.mp4j.host.WorkerHost;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.process.ProcessContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * A pool of 2 workers from nothing to its first result, and closed again: started as new JVMs
 * (CPython's {@code Pool(2)} forks in about 10 ms, spawns in about 100 ms), and leased from a warm
 * {@link WorkerHost}.
 */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class PoolStartBenchmark
{
    private WorkerHost host;

    /** Starts a host of 2 warm workers for {@link #leaseFromHostToFirstResult()}. */
    @Setup(Level.Trial)
    public void startHost()
    {
        host = WorkerHost.start("bench-" + ProcessHandle.current().pid(), 2, ProcessContext.defaultContext());
    }

    /** Stops the host. */
    @TearDown(Level.Trial)
    public void stopHost()
    {
        host.close();
    }

    /**
     * Starts a pool of 2 new worker JVMs, runs one task, closes the pool.
     *
     * @return the task's result.
     */
    @Benchmark
    public int spawnToFirstResult()
    {
        try (Pool pool = new Pool(2))
        {
            return pool.apply(() -> 1);
        }
    }

    /**
     * Leases the host's 2 warm workers, runs one task, gives them back.
     *
     * @return the task's result.
     */
    @Benchmark
    public int leaseFromHostToFirstResult()
    {
        try (Pool pool = new Pool(new PoolContext().host(host.name())))
        {
            return pool.apply(() -> 1);
        }
    }
}
