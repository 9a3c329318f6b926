package io.mp4j.bench;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import io.mp4j.queue.durable.DurableQueue;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a durable queue costs a child JVM's start: start a child that puts one message on a
 * {@link SharedQueue} (no Chronicle loaded), or opens a {@link DurableQueue} and appends one, and join it.
 * The difference is the price of loading Chronicle Queue.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 3)
@Measurement(iterations = 3, time = 4)
@Fork(1)
@State(Scope.Benchmark)
public class ChannelStartBenchmark
{
    private SharedQueue<String> queue;
    private Path directory;

    /**
     * Creates the queues.
     *
     * @throws IOException if the temporary directory cannot be made.
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        queue = SharedQueue.create(new io.mp4j.queue.QueueContext().capacity(1 << 16));
        directory = Files.createTempDirectory("mp4j-durable-start");
    }

    /**
     * Removes the durable queue's files.
     *
     * @throws IOException if they cannot be removed.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        queue.close();
        try (Stream<Path> files = Files.walk(directory))
        {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /**
     * A child that puts one message on a shared queue.
     *
     * @return the message taken back.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public String childWithSharedQueue() throws InterruptedException
    {
        final SharedQueue<String> target = queue;
        final ChildProcess child = new ChildProcess(() -> target.put("started")).start();
        child.join();
        return queue.take();
    }

    /**
     * A child that opens a durable queue and appends one message.
     *
     * @return the child's exit code.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public int childWithDurableQueue() throws InterruptedException
    {
        final String path = directory.toString();
        final ChildProcess child = new ChildProcess(() -> DurableQueue.open(Path.of(path)).put("started")).start();
        child.join();
        return child.exitCode().orElseThrow();
    }
}
