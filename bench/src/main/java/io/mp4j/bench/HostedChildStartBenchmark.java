package io.mp4j.bench;

import io.mp4j.host.WorkerHost;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.process.ProcessTarget;
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

import java.util.concurrent.TimeUnit;

/**
 * A child with an empty target from {@code start()} to {@code join()}: spawned as a new JVM, and hosted
 * by a warm worker leased from a running {@link WorkerHost} (started in this JVM with 2 workers, as a
 * sidecar would be). Hosted, the time is the lease, the target's trip to the worker, its run and the
 * report back; spawned, it is a JVM's start and exit. Sampled, for the median and the tail:
 * {@code java -jar bench/target/mp4j-bench.jar HostedChildStart}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HostedChildStartBenchmark
{
    private static final ProcessTarget EMPTY = () -> { };

    /** How the child runs: {@code spawned} as a new JVM, {@code hosted} by the host's warm worker. */
    @Param({"spawned", "hosted"})
    public String kind;

    private WorkerHost host;
    private ProcessContext context;

    /** Starts the host for the hosted kind. */
    @Setup(Level.Trial)
    public void startHost()
    {
        if ("hosted".equals(kind))
        {
            host = WorkerHost.start("bench-child-" + ProcessHandle.current().pid(), 2, ProcessContext.defaultContext());
            context = new ProcessContext().host(host.name()).conclude();
        }
        else
        {
            context = ProcessContext.defaultContext();
        }
    }

    /** Stops the host. */
    @TearDown(Level.Trial)
    public void stopHost()
    {
        if (host != null)
        {
            host.close();
        }
    }

    /**
     * Starts a child whose target does nothing, and joins it.
     *
     * @return the child's exit code.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public int startJoin() throws InterruptedException
    {
        final ChildProcess child = new ChildProcess(context, EMPTY).start();
        child.join();
        return child.exitCode().orElseThrow();
    }
}
