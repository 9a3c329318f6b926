package io.mp4j.bench;

import io.mp4j.WaitStrategy;
import io.mp4j.session.Session;
import io.mp4j.sync.SharedLock;
import io.mp4j.sync.SharedMutex;
import io.mp4j.sync.SharedRLock;
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
import java.util.concurrent.locks.ReentrantLock;

/**
 * Uncontended lock and unlock by one thread: mp4j's shared locks (CAS on mapped memory, owner recorded
 * as pid and thread) against the JDK's {@link ReentrantLock}. Run with {@code -prof gc}: the goal is
 * 0 B/op, including the try-with-resources form.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SharedLockBenchmark
{
    private Session session;
    private SharedLock lock;
    private SharedRLock rlock;
    private final ReentrantLock heapLock = new ReentrantLock();

    /** Creates the locks in a session of this benchmark's own. */
    @Setup
    public void setUp()
    {
        session = Session.create();
        lock = SharedLock.create(session, WaitStrategy.DEFAULT);
        rlock = SharedRLock.create(session, WaitStrategy.DEFAULT);
    }

    /** Removes the session and its files. */
    @TearDown
    public void tearDown()
    {
        session.close();
    }

    /** {@link SharedLock#lock()} then {@link SharedLock#unlock()}. */
    @Benchmark
    public void sharedLockUnlock()
    {
        lock.lock();
        lock.unlock();
    }

    /** {@link SharedRLock#lock()} then {@link SharedRLock#unlock()}. */
    @Benchmark
    public void sharedRLockUnlock()
    {
        rlock.lock();
        rlock.unlock();
    }

    /** {@code try (var held = lock.acquire()) {}}: Python's {@code with lock:}. */
    @Benchmark
    @SuppressWarnings("try")
    public void sharedLockTryWithResources()
    {
        try (SharedMutex.Held held = lock.acquire())
        {
            // The held section.
        }
    }

    /** Baseline: {@link ReentrantLock#lock()} then {@link ReentrantLock#unlock()}. */
    @Benchmark
    public void heapReentrantLockUnlock()
    {
        heapLock.lock();
        heapLock.unlock();
    }
}
