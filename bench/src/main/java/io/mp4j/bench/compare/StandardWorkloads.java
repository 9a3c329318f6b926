package io.mp4j.bench.compare;

import io.mp4j.WaitStrategy;
import io.mp4j.bench.ChildStartBenchmark;
import io.mp4j.pool.Pool;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;

import java.util.List;

/**
 * The rows of the comparison, one per capability mp4j has today, numbered as in issue 7. To add a row,
 * add a {@link Workload} here (and, for CPython, a method of that name in
 * {@code bench/python/compare_workloads.py}); the harness, the table, the JSON and the chart pick it up.
 * The pool and process rows' trials are below; the others' are in a class per row ({@link RoundTripTrials},
 * {@link QueueTrials}, {@link KernelTrials}, {@link LockedCounterTrials}, {@link DictTrials},
 * {@link ReadBandwidthTrials}); the cluster column's are in {@link ClusterTrials}.
 */
public final class StandardWorkloads
{
    private static final double NANOS_PER_MILLI = 1e6;
    private static final double NANOS_PER_MICRO = 1e3;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final long IDLE_SHORT_NANOS = 20_000;
    private static final long IDLE_LONG_NANOS = 1_000_000;

    private StandardWorkloads()
    {
    }

    /**
     * Every row, in the order they run and are shown.
     *
     * @param fixtures the warm pools, the interpreter and the inputs the rows share.
     * @return the workloads.
     */
    public static List<Workload> create(final Fixtures fixtures)
    {
        final CPythonWorkloads python = fixtures.python();
        final String pool = "Pool(" + Fixtures.POOL_PROCESSES + ")";
        final String plainPool = Fixtures.POOL_PROCESSES + " ProcessBuilder JVMs, ObjectStreams over stdio";
        final String plainWorker = "a ProcessBuilder JVM, ObjectStreams over stdio";
        final String mp4jPipe = "Pipe() to a warm ChildProcess, wait " + WaitStrategy.defaultStrategy() + " (default)";
        final String pythonPipe = "Pipe() to a warm Process";
        final String clusterPool = "ClusterContext.pool(" + Fixtures.POOL_PROCESSES + "), " + LoopbackCluster.SERVERS +
            " server nodes + this client on loopback";
        return List.of(
            Workload.builder("1a", "pipe round trip, p50")
                .unit(Unit.MICROSECONDS)
                .sizes(20_000, 200, "round trip")
                .mp4j(Contender.of(mp4jPipe, size -> RoundTripTrials.mp4j(fixtures, size, 50, 0)))
                .cpython(python.contender("pipe_round_trip_p50", pythonPipe))
                .plainJava(Contender.of(plainWorker + ", echo", size -> RoundTripTrials.plainJava(fixtures, size, 50, 0)))
                .build(),
            Workload.builder("1b", "pipe round trip, p99")
                .unit(Unit.MICROSECONDS)
                .sizes(20_000, 200, "round trip")
                .mp4j(Contender.of(mp4jPipe, size -> RoundTripTrials.mp4j(fixtures, size, 99, 0)))
                .cpython(python.contender("pipe_round_trip_p99", pythonPipe))
                .plainJava(Contender.of(plainWorker + ", echo", size -> RoundTripTrials.plainJava(fixtures, size, 99, 0)))
                .build(),
            Workload.builder("1c", "pipe round trip p50, 20 µs idle before")
                .unit(Unit.MICROSECONDS)
                .sizes(5_000, 50, "round trip")
                .mp4j(Contender.of(mp4jPipe, size -> RoundTripTrials.mp4j(fixtures, size, 50, IDLE_SHORT_NANOS)))
                .cpython(python.contender("pipe_round_trip_idle_20us_p50", pythonPipe))
                .plainJava(Contender.of(plainWorker + ", echo",
                    size -> RoundTripTrials.plainJava(fixtures, size, 50, IDLE_SHORT_NANOS)))
                .build(),
            Workload.builder("1d", "pipe round trip p50, 1 ms idle before")
                .unit(Unit.MICROSECONDS)
                .sizes(500, 5, "round trip")
                .mp4j(Contender.of(mp4jPipe, size -> RoundTripTrials.mp4j(fixtures, size, 50, IDLE_LONG_NANOS)))
                .cpython(python.contender("pipe_round_trip_idle_1ms_p50", pythonPipe))
                .plainJava(Contender.of(plainWorker + ", echo",
                    size -> RoundTripTrials.plainJava(fixtures, size, 50, IDLE_LONG_NANOS)))
                .build(),
            Workload.builder("2", "queue, 1 producer process to parent")
                .unit(Unit.MESSAGES_PER_SECOND)
                .sizes(100_000, 500, "message")
                .mp4j(Contender.of("SharedQueue.create(), a warm ChildProcess puts", size -> QueueTrials.mp4j(fixtures, size)))
                .cpython(python.contender("queue_throughput", "Queue(), a warm Process puts"))
                .plainJava(Contender.of(plainWorker + ", writeObject + flush per message",
                    size -> QueueTrials.plainJava(fixtures, size)))
                .cluster(Contender.of("context.queue(), a warm ChildProcess (a client of its own) puts; 1/" +
                    ClusterTrials.QUEUE_DIVISOR + " of the size", size -> ClusterTrials.queue(fixtures, size)))
                .build(),
            Workload.builder("2b", "queue, 1 producer process to parent, against a raw ring")
                .unit(Unit.MESSAGES_PER_SECOND)
                .sizes(1_000_000, 500, "message")
                .mp4j(Contender.of("SharedQueue.create(), a warm ChildProcess puts", size -> QueueTrials.mp4j(fixtures, size)))
                .plainJava(Contender.of("a raw Agrona OneToOneRingBuffer of " + RingTrials.RING_BYTES / 1024 +
                    " KiB in /dev/shm, a ProcessBuilder JVM writes, batched reads", size -> RingTrials.plainRing(fixtures, size)))
                .build(),
            Workload.builder("3a", "pool map x+1, default chunksize")
                .unit(Unit.TASKS_PER_SECOND)
                .sizes(1_000_000, 2_000, "item")
                .mp4j(Contender.of(pool + ".map(f, xs), warm", size -> mp4jMap(fixtures, size, 0)))
                .cpython(python.contender("pool_map", pool + ".map(f, xs), warm"))
                .plainJava(Contender.of(plainPool + ", Python's chunksize", size -> plainMap(fixtures, size, 0)))
                .cluster(Contender.of(clusterPool + ", map(f, xs), warm", size -> ClusterTrials.map(fixtures, size)))
                .build(),
            Workload.builder("3b", "pool map x+1, chunksize 1")
                .unit(Unit.TASKS_PER_SECOND)
                .sizes(100_000, 200, "item")
                .mp4j(Contender.of(pool + ".map(f, xs, 1), warm", size -> mp4jMap(fixtures, size, 1)))
                .cpython(python.contender("pool_map_chunksize1", pool + ".map(f, xs, chunksize=1), warm"))
                .plainJava(Contender.of(plainPool + ", one item per request", size -> plainMap(fixtures, size, 1)))
                .build(),
            Workload.builder("3c", "pool map, 20 µs CPU per item, speed-up serial/pool")
                .unit(Unit.SPEED_UP)
                .sizes(100_000, 200, "item")
                .mp4j(Contender.of("this JVM, then " + pool + ".map(f, xs)", size -> MapTrials.mp4jSpeedUp(fixtures, size)))
                .cpython(python.contender("pool_map_burn_speed_up", "this process, then " + pool + ".map(f, xs)"))
                .plainJava(Contender.of("1 thread, then 2 threads", size -> MapTrials.plainSpeedUp(fixtures, size)))
                .build(),
            mapCost("3d-10k", 10_000, 1_000, fixtures),
            mapCost("3d-100k", 100_000, 2_000, fixtures),
            mapCost("3d-1M", 1_000_000, 5_000, fixtures),
            mapCost("3d-10M", 10_000_000, 10_000, fixtures),
            Workload.builder("3d-heap", "pool map x+1, parent heap per item, result list included")
                .unit(Unit.BYTES)
                .sizes(10_000_000, 10_000, "item")
                .mp4j(Contender.of(pool + ".map(f, xs), all threads' allocations",
                    size -> MapTrials.mp4jHeapPerItem(fixtures, size)))
                .plainJava(Contender.of(plainPool + ", all threads' allocations",
                    size -> MapTrials.plainHeapPerItem(fixtures, size)))
                .build(),
            Workload.builder("4", "pool apply round trip")
                .unit(Unit.MICROSECONDS)
                .sizes(5_000, 50, "round trip")
                .mp4j(Contender.of(pool + ".apply(task), warm", size -> mp4jApply(fixtures, size)))
                .cpython(python.contender("pool_apply", pool + ".apply(f), warm"))
                .plainJava(Contender.of(plainPool + ", to the first worker", size -> plainApply(fixtures, size)))
                .cluster(Contender.of(clusterPool + ", apply(task), warm", size -> ClusterTrials.applyMean(fixtures, size)))
                .build(),
            Workload.builder("4b", "pool apply round trip, p50")
                .unit(Unit.MICROSECONDS)
                .sizes(5_000, 50, "round trip")
                .mp4j(Contender.of(pool + ".apply(task), warm, each timed",
                    size -> ClusterTrials.localApplyMedian(fixtures, size)))
                .cluster(Contender.of(clusterPool + ", apply(task), warm, each timed",
                    size -> ClusterTrials.applyMedian(fixtures, size)))
                .build(),
            Workload.builder("5a", "Σ sqrt(x)·sin(x), pool of 2")
                .unit(Unit.SECONDS)
                .sizes(64_000_000, 2_000_000, "double")
                .mp4j(Contender.of("warm " + pool + ".mapChunks over a SharedDoubleArray, 1 M per task",
                    size -> KernelTrials.mp4jPoolSeconds(fixtures, size)))
                .cpython(python.numpyContender("kernel_pool",
                    "warm " + pool + ".starmap over a shared_memory block, 1 M per task"))
                .plainJava(Contender.of("2 threads in this JVM over a double[], 1 M per task",
                    size -> KernelTrials.plainPoolSeconds(fixtures, size)))
                .build(),
            Workload.builder("5b", "Σ sqrt(x)·sin(x), speed-up serial/pool")
                .unit(Unit.SPEED_UP)
                .sizes(64_000_000, 2_000_000, "double")
                .mp4j(Contender.of("this JVM over the SharedDoubleArray, then the pool",
                    size -> KernelTrials.mp4jSpeedUp(fixtures, size)))
                .cpython(python.numpyContender("kernel_speed_up", "this process over the block, then the pool"))
                .plainJava(Contender.of("1 thread, then 2 threads", size -> KernelTrials.plainSpeedUp(fixtures, size)))
                .build(),
            Workload.builder("6", "shared value += 1 under its lock, 2 procs")
                .unit(Unit.INCREMENTS_PER_SECOND)
                .sizes(1_000_000, 2_000, "increment")
                .mp4j(Contender.of("SharedLong + getLock(), this JVM and a warm ChildProcess",
                    size -> LockedCounterTrials.mp4j(fixtures, size)))
                .cpython(python.contender("locked_increments", "Value('q') + get_lock(), this process and a warm Process"))
                .plainJava(Contender.of("2 threads in one JVM, ReentrantLock around a long field",
                    size -> LockedCounterTrials.plainJava(fixtures, size)))
                .cluster(Contender.of("context.lock() + context.longValue(), this client and a warm ChildProcess; 1/" +
                    ClusterTrials.COUNTER_DIVISOR + " of the size", size -> ClusterTrials.lockedCounter(fixtures, size)))
                .build(),
            Workload.builder("7", "manager dict set/get from a child")
                .unit(Unit.OPERATIONS_PER_SECOND)
                .sizes(20_000, 100, "operation")
                .mp4j(Contender.of("Manager.dict() (Chronicle Map), used by a warm ChildProcess",
                    size -> DictTrials.mp4j(fixtures, size)))
                .cpython(python.contender("dict_ops", "Manager().dict(), used by a warm Process"))
                .plainJava(Contender.of("a HashMap in " + plainWorker + ", a request per operation",
                    size -> DictTrials.plainJava(fixtures, size)))
                .cluster(Contender.of("context.dict() (an Ignite cache), used by a warm ChildProcess; 1/" +
                    ClusterTrials.DICT_DIVISOR + " of the size", size -> ClusterTrials.dict(fixtures, size)))
                .build(),
            Workload.builder("8a", "process start + join, trivial target")
                .unit(Unit.MILLISECONDS)
                .sizes(4, 1, "start")
                .mp4j(Contender.of("new ChildProcess(() -> {}).start().join()", StandardWorkloads::mp4jStartJoin))
                .cpython(python.contender("process_start", "get_context(\"spawn\").Process(target=f)"))
                .plainJava(Contender.of("ProcessBuilder JVM with an empty main", StandardWorkloads::plainStartJoin))
                .build(),
            Workload.builder("8b", "pool start to first result")
                .unit(Unit.MILLISECONDS)
                .sizes(2, 1, "start")
                .mp4j(Contender.of("new " + pool + " + apply", StandardWorkloads::mp4jPoolStart))
                .cpython(python.contender("pool_start",
                    pool + " + apply, start method " + python.defaultStartMethod() + " (the default here)"))
                .plainJava(Contender.of(plainPool + " + one round trip", StandardWorkloads::plainPoolStart))
                .build(),
            Workload.builder("8c", "pool start to first result, CPython spawns")
                .unit(Unit.MILLISECONDS)
                .sizes(2, 1, "start")
                .mp4j(Contender.of("new " + pool + " + apply", StandardWorkloads::mp4jPoolStart))
                .cpython(python.contender("pool_start_spawn", pool + " + apply, get_context(\"spawn\")"))
                .plainJava(Contender.of(plainPool + " + one round trip", StandardWorkloads::plainPoolStart))
                .build(),
            Workload.builder("9", "shared array read in a child, " + ReadBandwidthTrials.PASSES + " passes")
                .unit(Unit.GIGABYTES_PER_SECOND)
                .sizes(32_000_000, 100_000, "long")
                .mp4j(Contender.of("SharedLongArray.sum() in a warm ChildProcess",
                    size -> ReadBandwidthTrials.mp4j(fixtures, size)))
                .cpython(python.numpyContender("read_bandwidth", "shared_memory block, ndarray.sum() in a warm Process"))
                .plainJava(Contender.of("a file in /dev/shm, FileChannel.map + LongBuffer in " + plainWorker,
                    size -> ReadBandwidthTrials.plainJava(fixtures, size)))
                .build());
    }

    /** Row 3d at one size: row 3a's map as nanoseconds per item, to see it stay flat as the size grows. */
    private static Workload mapCost(final String id, final int fullSize, final int quickSize, final Fixtures fixtures)
    {
        final String pool = "Pool(" + Fixtures.POOL_PROCESSES + ")";
        return Workload.builder(id, "pool map x+1, cost per item")
            .unit(Unit.NANOSECONDS)
            .sizes(fullSize, quickSize, "item")
            .mp4j(Contender.of(pool + ".map(f, xs), warm", size -> MapTrials.mp4jCostPerItem(fixtures, size)))
            .cpython(fixtures.python().contender("pool_map_cost", pool + ".map(f, xs), warm"))
            .plainJava(Contender.of(Fixtures.POOL_PROCESSES + " ProcessBuilder JVMs, Python's chunksize",
                size -> MapTrials.plainCostPerItem(fixtures, size)))
            .build();
    }

    private static double mp4jMap(final Fixtures fixtures, final int size, final int chunksize)
    {
        final Pool pool = fixtures.mp4jPool();
        final List<Integer> items = fixtures.integers(size);
        final long start = System.nanoTime();
        final List<Integer> results = chunksize == 0 ?
            pool.map((Integer x) -> x + 1, items) : pool.map((Integer x) -> x + 1, items, chunksize);
        final long elapsed = System.nanoTime() - start;
        Fixtures.checkIncremented(results, size);
        return size * NANOS_PER_SECOND / elapsed;
    }

    private static double plainMap(final Fixtures fixtures, final int size, final int chunksize) throws Exception
    {
        final PlainJavaPool pool = fixtures.plainPool();
        final List<Integer> items = fixtures.integers(size);
        final int chunk = chunksize == 0 ? PlainJavaPool.defaultChunksize(size, Fixtures.POOL_PROCESSES) : chunksize;
        final long start = System.nanoTime();
        final List<Integer> results = pool.map((Integer x) -> x + 1, items, chunk);
        final long elapsed = System.nanoTime() - start;
        Fixtures.checkIncremented(results, size);
        return size * NANOS_PER_SECOND / elapsed;
    }

    private static double mp4jApply(final Fixtures fixtures, final int size)
    {
        final Pool pool = fixtures.mp4jPool();
        final long start = System.nanoTime();
        for (int i = 0; i < size; i++)
        {
            checkAnswer(pool.apply(() -> 42));
        }
        return (System.nanoTime() - start) / NANOS_PER_MICRO / size;
    }

    private static double plainApply(final Fixtures fixtures, final int size) throws Exception
    {
        final PlainJavaPool pool = fixtures.plainPool();
        final long start = System.nanoTime();
        for (int i = 0; i < size; i++)
        {
            checkAnswer(pool.apply(() -> 42));
        }
        return (System.nanoTime() - start) / NANOS_PER_MICRO / size;
    }

    private static double mp4jStartJoin(final int size) throws InterruptedException
    {
        final long start = System.nanoTime();
        for (int i = 0; i < size; i++)
        {
            final ChildProcess child = new ChildProcess(() -> { }).start();
            child.join();
            checkExitCode(child.exitCode().orElse(-1));
        }
        return (System.nanoTime() - start) / NANOS_PER_MILLI / size;
    }

    private static double plainStartJoin(final int size) throws Exception
    {
        final List<String> command =
            ProcessContext.defaultContext().javaCommand(ChildStartBenchmark.EmptyMain.class.getName(), List.of());
        final long start = System.nanoTime();
        for (int i = 0; i < size; i++)
        {
            checkExitCode(new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start()
                .waitFor());
        }
        return (System.nanoTime() - start) / NANOS_PER_MILLI / size;
    }

    private static double mp4jPoolStart(final int size)
    {
        long elapsed = 0;
        for (int i = 0; i < size; i++)
        {
            final long start = System.nanoTime();
            try (Pool pool = new Pool(Fixtures.POOL_PROCESSES))
            {
                checkAnswer(pool.apply(() -> 42));
                elapsed += System.nanoTime() - start;
            }
        }
        return elapsed / NANOS_PER_MILLI / size;
    }

    private static double plainPoolStart(final int size) throws Exception
    {
        long elapsed = 0;
        for (int i = 0; i < size; i++)
        {
            final long start = System.nanoTime();
            try (PlainJavaPool pool = new PlainJavaPool(Fixtures.POOL_PROCESSES))
            {
                checkAnswer(pool.apply(() -> 42));
                elapsed += System.nanoTime() - start;
            }
        }
        return elapsed / NANOS_PER_MILLI / size;
    }

    private static void checkAnswer(final int answer)
    {
        if (answer != 42)
        {
            throw new IllegalStateException("wrong answer: " + answer);
        }
    }

    private static void checkExitCode(final int exitCode)
    {
        if (exitCode != 0)
        {
            throw new IllegalStateException("child failed: exitCode=" + exitCode);
        }
    }
}
