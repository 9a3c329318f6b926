package io.mp4j.bench;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedDouble;
import io.mp4j.shared.SharedLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uncontended operations on a shared value in mapped memory, one thread, against the same operation on
 * a heap {@link AtomicLong}: what mp4j's handle costs over the instruction itself. Run with
 * {@code -prof gc} to see the allocation per operation (the goal is 0 B/op).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SharedValueBenchmark
{
    private Session session;
    private SharedLong sharedLong;
    private SharedDouble sharedDouble;
    private final AtomicLong heapLong = new AtomicLong();

    /** Creates the values in a session of this benchmark's own. */
    @Setup
    public void setUp()
    {
        session = Session.create();
        sharedLong = SharedLong.create(session, 0, false, WaitStrategy.DEFAULT);
        sharedDouble = SharedDouble.create(session, 0, false, WaitStrategy.DEFAULT);
    }

    /** Removes the session and its files. */
    @TearDown
    public void tearDown()
    {
        session.close();
    }

    /**
     * Volatile read of a shared long.
     *
     * @return the value.
     */
    @Benchmark
    public long sharedGet()
    {
        return sharedLong.get();
    }

    /** Volatile write of a shared long. */
    @Benchmark
    public void sharedSet()
    {
        sharedLong.set(42);
    }

    /** Release write of a shared long. */
    @Benchmark
    public void sharedSetRelease()
    {
        sharedLong.setRelease(42);
    }

    /**
     * Atomic increment of a shared long.
     *
     * @return the new value.
     */
    @Benchmark
    public long sharedIncrementAndGet()
    {
        return sharedLong.incrementAndGet();
    }

    /**
     * Compare-and-set of a shared long that succeeds.
     *
     * @return true.
     */
    @Benchmark
    public boolean sharedCompareAndSet()
    {
        final long current = sharedLong.getPlain();
        return sharedLong.compareAndSet(current, current + 1);
    }

    /**
     * Atomic add to a shared double (a CAS loop on its raw bits).
     *
     * @return the new value.
     */
    @Benchmark
    public double sharedDoubleAddAndGet()
    {
        return sharedDouble.addAndGet(1.0);
    }

    /**
     * Baseline: atomic increment of a heap {@link AtomicLong}.
     *
     * @return the new value.
     */
    @Benchmark
    public long heapIncrementAndGet()
    {
        return heapLong.incrementAndGet();
    }
}
