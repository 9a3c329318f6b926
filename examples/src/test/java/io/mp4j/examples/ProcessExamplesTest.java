package io.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The process examples print exactly what the tutorial they mirror prints. */
class ProcessExamplesTest
{
    @TempDir
    Path workDirectory;

    @Test
    void simpleProcessShouldGreetFromTheChild() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "simple-process");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(List.of("Hello from a separate process!"), run.stdout());
    }

    @Test
    void multipleProcessesShouldEachPrintTheirNumber() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "multiple-processes");

        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(5, run.stdout().size(), run.stdout().toString());
        final Set<String> expected =
            IntStream.range(0, 5).mapToObj(n -> "Processing number: " + n).collect(Collectors.toSet());
        assertEquals(expected, Set.copyOf(run.stdout()));
    }

    @Test
    void unknownExampleShouldFailWithUsage() throws Exception
    {
        final ExampleRun run = ExampleRun.ofClasspath(workDirectory, "no-such-example");

        assertEquals(2, run.exitCode());
        assertEquals(true, run.stderr().contains("unknown example: no-such-example"), run.stderr());
    }
}
