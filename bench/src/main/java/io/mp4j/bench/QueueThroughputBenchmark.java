package io.mp4j.bench;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.QueueContext;
import io.mp4j.queue.SharedQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Messages per second from producer JVMs to this JVM through a {@link SharedQueue}: each child puts
 * {@code Long}s as fast as the queue takes them, the benchmark thread takes them one by one. The rate is
 * the consumer's; on a 2-core machine the producers and the consumer share the cores.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class QueueThroughputBenchmark
{
    /** How many producer JVMs. */
    @Param({"1", "2"})
    public int producers;

    private SharedQueue<Long> queue;
    private final List<ChildProcess> children = new ArrayList<>();

    /**
     * Creates the queue and starts the producers.
     *
     * @throws InterruptedException if interrupted while waiting for the first messages.
     */
    @Setup(Level.Trial)
    public void setUp() throws InterruptedException
    {
        queue = SharedQueue.create(new QueueContext().capacity(8192).maxMessageLength(32));
        for (int p = 0; p < producers; p++)
        {
            final SharedQueue<Long> target = queue;
            final Long value = (long)p;
            children.add(new ChildProcess(() ->
            {
                while (true)
                {
                    target.put(value);
                }
            }).daemon(true).start());
        }
        queue.take();
    }

    /**
     * Stops the producers.
     *
     * @throws InterruptedException if interrupted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        for (final ChildProcess child : children)
        {
            child.kill();
            child.join();
        }
        queue.close();
    }

    /**
     * Takes one message.
     *
     * @return the message.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public Long take() throws InterruptedException
    {
        return queue.take();
    }
}
