package io.mp4j.bench;

import io.mp4j.internal.FileTrees;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cold start and join of a child JVM with a trivial target: mp4j's {@link ChildProcess} with and without
 * its class-data archive, against the hand-rolled baseline of a {@link ProcessBuilder} running an empty
 * {@code main} with the same flags. The difference to the baseline is what mp4j adds (spec file, target
 * deserialization, lifeline, output copying); sampled, so that JMH reports the median and the range.
 * The first start with an empty archive cache is measured on its own: the archive is built alongside it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChildStartBenchmark
{
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(2);

    /** mp4j children with or without the class-data archive, which is built before measuring. */
    @State(Scope.Benchmark)
    public static class Children
    {
        /** Whether children start from the class-data archive. */
        @Param({"true", "false"})
        public boolean classDataSharing;

        private Path cache;
        private ProcessContext context;

        /**
         * Builds the archive into a cache of this trial's own.
         *
         * @throws IOException          if the cache directory cannot be made.
         * @throws InterruptedException if interrupted.
         */
        @Setup(Level.Trial)
        public void buildArchive() throws IOException, InterruptedException
        {
            cache = Files.createTempDirectory("mp4j-cds-bench");
            context = new ProcessContext().classDataSharing(classDataSharing).classDataDirectory(cache).conclude();
            if (context.prepareClassDataArchive(BUILD_TIMEOUT) != classDataSharing)
            {
                throw new IllegalStateException("class-data archive not as expected: classDataSharing=" +
                    classDataSharing + " cache=" + cache);
            }
        }

        /** Removes the trial's cache. */
        @TearDown(Level.Trial)
        public void removeCache()
        {
            FileTrees.delete(cache);
        }
    }

    /** A child started from an empty cache, whose archive is then built alongside it. */
    @State(Scope.Thread)
    public static class EmptyCache
    {
        private Path cache;
        private ProcessContext context;

        /**
         * A new, empty cache for each start.
         *
         * @throws IOException if the cache directory cannot be made.
         */
        @Setup(Level.Invocation)
        public void emptyCache() throws IOException
        {
            cache = Files.createTempDirectory("mp4j-cds-bench");
            context = new ProcessContext().classDataDirectory(cache).conclude();
        }

        /**
         * Waits for the build the start began, so that it does not slow the next start, then removes it.
         *
         * @throws InterruptedException if interrupted.
         */
        @TearDown(Level.Invocation)
        public void finishBuild() throws InterruptedException
        {
            context.prepareClassDataArchive(BUILD_TIMEOUT);
            FileTrees.delete(cache);
        }
    }

    /** The baseline's command line. */
    @State(Scope.Benchmark)
    public static class Plain
    {
        private final List<String> command =
            ProcessContext.defaultContext().javaCommand(EmptyMain.class.getName(), List.of());
    }

    /**
     * mp4j: start a child whose target does nothing, and join it.
     *
     * @param children the context, with or without the archive.
     * @return the child's exit code.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public int mp4jStartJoin(final Children children) throws InterruptedException
    {
        return startJoin(children.context);
    }

    /**
     * mp4j: the first start and join with an empty cache, while the archive is built.
     *
     * @param empty a context with an empty cache.
     * @return the child's exit code.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 1)
    @Measurement(iterations = 10)
    public int mp4jFirstStartJoin(final EmptyCache empty) throws InterruptedException
    {
        return startJoin(empty.context);
    }

    /**
     * mp4j: the first start and join with an empty cache, and the wait until the archive is built.
     *
     * @param empty a context with an empty cache.
     * @return whether the archive was built.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 1)
    @Measurement(iterations = 10)
    public boolean mp4jFirstStartJoinAndBuild(final EmptyCache empty) throws InterruptedException
    {
        startJoin(empty.context);
        return empty.context.prepareClassDataArchive(BUILD_TIMEOUT);
    }

    /**
     * Baseline: {@link ProcessBuilder} running an empty {@code main} on the same classpath and flags.
     *
     * @param plain the command line.
     * @return the JVM's exit code.
     * @throws IOException          if the JVM cannot start.
     * @throws InterruptedException if interrupted.
     */
    @Benchmark
    public int plainJavaStartJoin(final Plain plain) throws IOException, InterruptedException
    {
        return new ProcessBuilder(plain.command).inheritIO().start().waitFor();
    }

    private static int startJoin(final ProcessContext context) throws InterruptedException
    {
        final ChildProcess child = new ChildProcess(context, () -> { }).start();
        child.join();
        return child.exitCode().orElseThrow();
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
