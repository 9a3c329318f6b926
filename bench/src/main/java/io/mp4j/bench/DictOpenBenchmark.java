package io.mp4j.bench;

import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;
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

import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * What a JVM pays to open its first manager dict (a Chronicle Map), measured once per fresh JVM: each JMH
 * fork is a new JVM and times its very first {@code manager.dict()}. {@code childGetStartJoin} is what a
 * user sees: a child that receives a dict, reads one key and exits; compare it with
 * {@link ChildStartBenchmark#mp4jStartJoin ChildStartBenchmark.mp4jStartJoin}, a child that opens nothing.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
@State(Scope.Benchmark)
public class DictOpenBenchmark
{
    private Manager manager;
    private ConcurrentMap<String, Integer> shared;

    /** Makes the manager whose session the dict lives in; the dict itself is the measured part. */
    @Setup(Level.Trial)
    public void setUp()
    {
        manager = new Manager();
    }

    /** Removes the manager's files. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        manager.close();
    }

    /**
     * The first dict of a fresh JVM: loading Chronicle Map and creating its file.
     *
     * @return the dict's size, so nothing is optimized away.
     */
    @Benchmark
    public int firstDictInAFreshJvm()
    {
        shared = manager.dict();
        return shared.size();
    }

    /**
     * A child that opens a dict made by this JVM, reads a key and exits, started and joined.
     *
     * @return the child's exit code.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 1, time = 2)
    @Measurement(iterations = 3, time = 5)
    @Fork(1)
    public int childGetStartJoin() throws InterruptedException
    {
        if (shared == null)
        {
            shared = manager.dict();
            shared.put("answer", 42);
        }
        final ChildProcess child = new ChildProcess(DictOpenBenchmark::readAnswer, shared).start();
        child.join();
        return child.exitCode().orElseThrow();
    }

    private static void readAnswer(final ConcurrentMap<String, Integer> dict)
    {
        if (dict.get("answer") != 42)
        {
            throw new IllegalStateException("the child read " + dict.get("answer") + " instead of 42");
        }
    }
}
