package io.mp4j.examples;

import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Runs each shared-state example in a JVM of its own and checks its exact output. */
class SharedStateExamplesTest
{
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "shared-value | 1",
        "lock         | 5",
        "shared-array | [0.0, 1.0, 4.0, 9.0, 16.0, 25.0, 36.0, 49.0, 64.0, 81.0]",
    })
    void shouldPrintExactlyWhatThePythonTutorialPrints(final String example, final String expected)
    {
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> assertEquals(expected + '\n', run(example)));
    }

    private static String run(final String example) throws IOException, InterruptedException
    {
        // The example runs as a user would run it: in a session of its own, not this test's.
        final List<String> command = new ArrayList<>();
        for (final String part : ProcessContext.defaultContext().javaCommand(Examples.class.getName(), List.of(example)))
        {
            if (!part.startsWith("-D" + Session.CURRENT_PROPERTY + '='))
            {
                command.add(part);
            }
        }

        final Path errors = Files.createTempFile("mp4j-example-" + example, ".err");
        final Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("example did not end: example=" + example);
            }
            assertEquals(0, process.exitValue(), () -> "example failed: example=" + example + " stderr=" + read(errors));
            return output;
        }
        finally
        {
            process.destroyForcibly();
            Files.deleteIfExists(errors);
        }
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            return "unreadable: " + ex;
        }
    }
}
