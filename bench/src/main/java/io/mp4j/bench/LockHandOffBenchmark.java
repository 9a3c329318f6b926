package io.mp4j.bench;

import io.mp4j.WaitStrategy;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import io.mp4j.shared.SharedLong;
import io.mp4j.sync.SharedEvent;
import io.mp4j.sync.SharedLock;
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

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A shared lock handed back and forth between two JVMs: this one (the JMH thread) and a child JVM,
 * each doing {@code lock; counter = counter + 1; unlock} as fast as it can: Python's
 * {@code with lock: value.value += 1} in two processes. The score is this JVM's increments per second;
 * after each iteration the increments per second of both JVMs together are printed
 * ({@code hand-off total}), the figure to set against CPython's {@code Value} + {@code Lock}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class LockHandOffBenchmark
{
    /** How the two JVMs wait for the lock. */
    @Param({"DEFAULT", "LOW_CPU", "BUSY_SPIN"})
    public String waitStrategy;

    private Session session;
    private SharedLock lock;
    private SharedLong counter;
    private SharedEvent stop;
    private ChildProcess child;
    private long iterationStartCount;
    private long iterationStartNanos;

    /**
     * Creates the lock and counter and starts the competing child JVM.
     *
     * @throws InterruptedException if interrupted while waiting for the child to start.
     */
    @Setup(Level.Trial)
    public void startChild() throws InterruptedException
    {
        session = Session.create();
        final WaitStrategy strategy = WaitStrategy.valueOf(waitStrategy);
        lock = SharedLock.create(session, strategy);
        counter = SharedLong.create(session, 0, false, strategy);
        stop = SharedEvent.create(session, strategy);
        final SharedLong running = SharedLong.create(session, 0, false, strategy);
        final SharedLock childLock = lock;
        final SharedLong childCounter = counter;
        final SharedEvent childStop = stop;
        child = new ChildProcess(new ProcessContext().session(session),
            () -> competeForLock(childLock, childCounter, childStop, running)).name("hand-off-child").start();
        while (running.get() == 0)
        {
            Thread.sleep(10);
        }
    }

    /** Notes where the counter stands when an iteration starts. */
    @Setup(Level.Iteration)
    public void markIteration()
    {
        iterationStartCount = counter.get();
        iterationStartNanos = System.nanoTime();
    }

    /** Prints both JVMs' increments per second over the iteration. */
    @TearDown(Level.Iteration)
    public void reportIteration()
    {
        final double seconds = (System.nanoTime() - iterationStartNanos) / 1e9;
        final long increments = counter.get() - iterationStartCount;
        System.out.printf("%n  hand-off total (both JVMs): %.1f M increments/s%n", increments / seconds / 1e6);
    }

    /**
     * Stops the child and removes the session.
     *
     * @throws InterruptedException if interrupted while joining the child.
     */
    @TearDown(Level.Trial)
    public void stopChild() throws InterruptedException
    {
        stop.set();
        if (!child.join(Duration.ofSeconds(10)))
        {
            child.kill();
            child.join();
        }
        session.close();
    }

    /** One increment under the lock in this JVM, while the child does the same. */
    @Benchmark
    public void lockedIncrement()
    {
        lock.lock();
        counter.set(counter.getPlain() + 1);
        lock.unlock();
    }

    private static void competeForLock(
        final SharedLock lock, final SharedLong counter, final SharedEvent stop, final SharedLong running)
    {
        running.set(1);
        while (!stop.isSet())
        {
            lock.lock();
            counter.set(counter.getPlain() + 1);
            lock.unlock();
        }
    }
}
