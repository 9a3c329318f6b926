package io.mp4j.bench;

import io.mp4j.ipc.ChildProcess;
import io.mp4j.ipc.ProcessContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cold start and join of a child JVM with a trivial target: mp4j's {@link ChildProcess} against the
 * hand-rolled baseline of a {@link ProcessBuilder} running an empty {@code main} with the same flags.
 * The difference is what mp4j adds (spec file, target deserialization, lifeline, output copying).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ChildStartBenchmark
{
    private final List<String> plainCommand =
        ProcessContext.defaultContext().javaCommand(EmptyMain.class.getName(), List.of());

    /**
     * mp4j: start a child whose target does nothing, and join it.
     *
     * @return the child's exit code.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public int mp4jStartJoin() throws InterruptedException
    {
        final ChildProcess child = new ChildProcess(() -> { }).start();
        child.join();
        return child.exitCode().orElseThrow();
    }

    /**
     * Baseline: {@link ProcessBuilder} running an empty {@code main} on the same classpath and flags.
     *
     * @return the JVM's exit code.
     * @throws IOException          if the JVM cannot start.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public int plainJavaStartJoin() throws IOException, InterruptedException
    {
        return new ProcessBuilder(plainCommand).inheritIO().start().waitFor();
    }

    /** The baseline's child: a JVM that starts and ends. */
    public static final class EmptyMain
    {
        private EmptyMain()
        {
        }

        /**
         * Does nothing.
         *
         * @param args unused.
         */
        public static void main(final String[] args)
        {
        }
    }
}
