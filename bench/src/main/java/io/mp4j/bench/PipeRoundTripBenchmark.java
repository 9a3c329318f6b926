package io.mp4j.bench;

import io.mp4j.EndOfStreamException;
import io.mp4j.WaitStrategy;
import io.mp4j.connection.Connection;
import io.mp4j.connection.Pipe;
import io.mp4j.process.ChildProcess;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
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

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Round trip through a {@link Pipe} between this JVM and a child JVM that echoes every message: the
 * benchmark thread sends and waits for the echo. JMH reports the mean; each iteration also prints the
 * round trip's HdrHistogram percentiles (p50, p99, p99.9). Payloads: {@code bytes} (32 bytes with
 * {@code sendBytes} and {@code recvBytes} into a reused buffer, the zero-allocation path) and {@code long}
 * (a boxed {@code Long} with {@code send}/{@code recv}, small enough to be a cached box). Run with
 * {@code -prof gc} for the allocation per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class PipeRoundTripBenchmark
{
    /** How both ends wait. */
    @Param({"BUSY_SPIN", "DEFAULT", "LOW_CPU"})
    public String waitStrategy;

    /** What crosses the pipe. */
    @Param({"bytes", "long"})
    public String payload;

    private Pipe pipe;
    private Connection parent;
    private ChildProcess echo;
    private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(32));
    private final UnsafeBuffer reply = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
    private final Long boxed = 42L;
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(1), 3);

    /**
     * Opens the pipe and starts the echoing child.
     *
     * @throws Exception if the child cannot start.
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        pipe = Pipe.open(new Pipe.Context().waitStrategy(WaitStrategy.valueOf(waitStrategy)));
        parent = pipe.first();
        final Connection child = pipe.second();
        final boolean bytes = "bytes".equals(payload);
        echo = new ChildProcess(() -> echo(child, bytes)).daemon(true).start();
        for (int i = 0; i < 1000; i++)
        {
            roundTrip();
        }
    }

    private static void echo(final Connection child, final boolean bytes)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
        try
        {
            while (true)
            {
                if (bytes)
                {
                    final int length = child.recvBytes(buffer, 0);
                    child.sendBytes(buffer, 0, length);
                }
                else
                {
                    child.send(child.recv());
                }
            }
        }
        catch (final EndOfStreamException ex)
        {
            // The benchmark closed its end: done.
        }
    }

    /** Starts each iteration's histogram afresh. */
    @Setup(Level.Iteration)
    public void resetHistogram()
    {
        histogram.reset();
    }

    /** Prints the iteration's percentiles. */
    @TearDown(Level.Iteration)
    public void printHistogram()
    {
        System.out.printf("%n  round trip %s %s: p50=%.2f us p99=%.2f us p99.9=%.2f us max=%.2f us (n=%d)%n",
            waitStrategy, payload, histogram.getValueAtPercentile(50) / 1000.0,
            histogram.getValueAtPercentile(99) / 1000.0, histogram.getValueAtPercentile(99.9) / 1000.0,
            histogram.getMaxValue() / 1000.0, histogram.getTotalCount());
    }

    /**
     * Closes this end (the child sees end-of-stream and exits) and waits for the child.
     *
     * @throws InterruptedException if interrupted.
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException
    {
        pipe.close();
        if (!echo.join(java.time.Duration.ofSeconds(5)))
        {
            echo.kill();
            echo.join();
        }
    }

    /**
     * One message to the child and its echo back.
     *
     * @return the echo's length or value, so that nothing is optimised away.
     */
    @Benchmark
    public long roundTrip()
    {
        final long start = System.nanoTime();
        final long result;
        if ("bytes".equals(payload))
        {
            parent.sendBytes(message, 0, 32);
            result = parent.recvBytes(reply, 0);
        }
        else
        {
            parent.send(boxed);
            result = (Long)parent.recv();
        }
        histogram.recordValue(Math.min(System.nanoTime() - start, histogram.getHighestTrackableValue()));
        return result;
    }
}
