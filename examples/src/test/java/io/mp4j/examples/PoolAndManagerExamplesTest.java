package io.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool and manager examples print exactly what the tutorial they mirror prints. */
class PoolAndManagerExamplesTest
{
    @TempDir
    Path workDirectory;

    @Test
    void poolMapShouldPrintTheSquares() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "pool-map");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("[1, 4, 9, 16, 25]"), run.stdout());
    }

    @Test
    void managerDictShouldPrintTheEntriesBothChildrenWrote() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "manager-dict");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("{first=5, first-squared=25, second=6, second-squared=36}"), run.stdout());
    }

    @Test
    void managerListShouldPrintWhatTheChildAppended() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "manager-list");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("[Hello]"), run.stdout());
    }

    @Test
    void contextExampleShouldPrintWhatItsPoolChildrenQueueAndDictDid() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "context");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(CONTEXT_OUTPUT, run.stdout());
    }

    /** What the context example prints, locally and on a cluster alike. */
    static final List<String> CONTEXT_OUTPUT = List.of(
        "squares: [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
        "counted by two processes under one lock: 400",
        "queue from a child: [job-0, job-1, job-2]",
        "dict: {apples=5, pears=5}");

    @Test
    void mapKernelShouldAgreeWithTheSerialSumAndReportTheSpeedUp() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "map-kernel", "4");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(4, run.stdout().size(), run.stdout().toString());
        assertTrue(run.stdout().get(0).matches(
            "Sum of sqrt\\(x\\)\\*sin\\(x\\) over 4 x 1,000,000 doubles: \\S+ \\(serial and pool agree\\)"),
            run.stdout().get(0));
        assertTrue(run.stdout().get(1).matches("Serial, 1 thread: \\d+\\.\\d{3} s"), run.stdout().get(1));
        assertTrue(run.stdout().get(2).matches("Pool of 2 workers: \\d+\\.\\d{3} s"), run.stdout().get(2));
        assertTrue(run.stdout().get(3).matches("Speed-up: \\d+\\.\\d{2}x"), run.stdout().get(3));
    }

    @Test
    void longMapShouldPrintTheSumAndDrawItsProgress() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "long-map");

        assertEquals(0, run.exitCode(), run.stderr());
        final long sum = java.util.stream.IntStream.range(0, 2_000).mapToLong(LongMap::work).sum();
        assertEquals(List.of("Items: 2000, sum of results: " + sum), run.stdout());
        // Not a terminal: a line per report, the last one complete.
        assertTrue(run.stderr().contains("[##############################] 100% 2000/2000 items "), run.stderr());
    }

    @Test
    void squareNumbersShouldPrintBothLists() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "square-numbers");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("Original numbers: [1, 2, 3, 4, 5]", "Squared numbers: [1, 4, 9, 16, 25]"), run.stdout());
    }
}
