package io.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executable jar runs the whole tour with {@code java -jar} alone, no JVM flags. */
class ExamplesJarIT
{
    @TempDir
    Path workDirectory;

    @Test
    void tourShouldRunEveryExampleFromTheJarWithoutFlags() throws Exception
    {
        final Path jar = Paths.get(System.getProperty("mp4j.examplesJar"));
        final ExampleRun run = ExampleRun.ofJar(workDirectory, jar, "tour");

        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stdout().contains("Hello from a separate process!"), run.stdout().toString());
        assertFalse(run.stderr().contains("WARNING"), "no JVM warnings about illegal access: " + run.stderr());
        assertFalse(run.stderr().contains("Exception"), "nothing failed quietly, e.g. Chronicle phoning home: " +
            run.stderr());
    }
}
