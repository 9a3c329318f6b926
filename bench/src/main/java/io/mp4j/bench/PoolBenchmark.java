package io.mp4j.bench;

import io.mp4j.pool.Pool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A pool of 2 worker JVMs: map of a tiny function (tasks/s) with Python's default chunk size and with
 * chunk size 1, and the round trip of a synchronous {@code apply}. Compare with CPython's
 * {@code Pool(2)} on the same machine: about 3.7 M tasks/s, 32 k tasks/s and 460-610 µs.
 */
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class PoolBenchmark
{
    private static final int MAP_ITEMS = 1_000_000;
    private static final int CHUNKSIZE_1_ITEMS = 100_000;

    private final List<Integer> mapItems = IntStream.range(0, MAP_ITEMS).boxed().collect(Collectors.toList());
    private final List<Integer> singleItems =
        IntStream.range(0, CHUNKSIZE_1_ITEMS).boxed().collect(Collectors.toList());
    private Pool pool;

    /** Starts the workers once per trial. */
    @Setup(Level.Trial)
    public void startPool()
    {
        pool = new Pool(2);
        pool.map((Integer x) -> x, List.of(1, 2, 3, 4));
    }

    /** Stops the workers. */
    @TearDown(Level.Trial)
    public void closePool()
    {
        pool.close();
    }

    /**
     * {@code map} of {@code x + 1} over 1,000,000 integers with the default chunk size.
     *
     * @return the results.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(MAP_ITEMS)
    public List<Integer> mapDefaultChunksize()
    {
        return pool.map((Integer x) -> x + 1, mapItems);
    }

    /**
     * {@code map} of {@code x + 1} over 100,000 integers, one task per item.
     *
     * @return the results.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(CHUNKSIZE_1_ITEMS)
    public List<Integer> mapChunksizeOne()
    {
        return pool.map((Integer x) -> x + 1, singleItems, 1);
    }

    /**
     * One synchronous {@code apply}: to a worker and back.
     *
     * @return the result.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer applyRoundTrip()
    {
        return pool.apply(() -> 42);
    }
}
