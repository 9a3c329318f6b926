package io.mp4j.bench;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedLongArray;
import org.agrona.concurrent.AtomicBuffer;
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

import java.nio.LongBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Summing a shared array's longs in place, the loop of a kernel: through {@link SharedLongArray#view()}
 * (Agrona's bounds-checked {@code getLong}), through {@link SharedLongArray#asLongBuffer()} (whose bounds
 * check the JIT hoists), and over a heap {@code long[]} of the same length for the floor. Reported as
 * longs per microsecond: times eight, megabytes per second; the sums are the same.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@State(Scope.Benchmark)
public class SharedArrayReadBenchmark
{
    /** How many longs: 64 MiB, more than the caches hold. */
    private static final int LENGTH = 8 << 20;

    private Session session;
    private SharedLongArray array;
    private AtomicBuffer view;
    private LongBuffer elements;
    private long[] heap;

    /** Makes and fills the array. */
    @Setup(Level.Trial)
    public void fill()
    {
        session = Session.create();
        array = SharedLongArray.create(session, LENGTH, false, WaitStrategy.defaultStrategy());
        view = array.view();
        elements = array.asLongBuffer();
        heap = new long[LENGTH];
        for (int i = 0; i < LENGTH; i++)
        {
            elements.put(i, i);
            heap[i] = i;
        }
    }

    /** Closes the array and its session. */
    @TearDown(Level.Trial)
    public void close()
    {
        array.close();
        session.close();
    }

    /**
     * Through the Agrona view.
     *
     * @return the sum.
     */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public long view()
    {
        long sum = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            sum += view.getLong(i << 3);
        }
        return sum;
    }

    /**
     * Through the typed buffer.
     *
     * @return the sum.
     */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public long longBuffer()
    {
        long sum = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            sum += elements.get(i);
        }
        return sum;
    }

    /**
     * Over the heap copy.
     *
     * @return the sum.
     */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public long heapArray()
    {
        long sum = 0;
        for (int i = 0; i < LENGTH; i++)
        {
            sum += heap[i];
        }
        return sum;
    }
}
