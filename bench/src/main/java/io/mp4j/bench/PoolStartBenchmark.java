package io.mp4j.bench;

import io.mp4j.ipc.Pool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** A pool of 2 worker JVMs from nothing to its first result, and closed again (CPython: about 90 ms). */
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PoolStartBenchmark
{
    /**
     * Starts a pool, runs one task, closes the pool.
     *
     * @return the task's result.
     */
    @Benchmark
    public int startToFirstResult()
    {
        try (Pool pool = new Pool(2))
        {
            return pool.apply(() -> 1);
        }
    }
}
