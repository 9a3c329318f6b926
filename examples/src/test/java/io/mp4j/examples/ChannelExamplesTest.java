package io.mp4j.examples;

import io.mp4j.process.ProcessContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class ChannelExamplesTest
{
    @ParameterizedTest
    @CsvSource({"queue, Hello from worker!", "pipe, Data from the process"})
    void shouldPrintExactlyTheTutorialOutput(final String example, final String expected) throws Exception
    {
        final Path errors = Files.createTempFile("mp4j-example-" + example, ".err");
        try
        {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
            {
                final List<String> command =
                    ProcessContext.defaultContext().javaCommand(Examples.class.getName(), List.of(example));
                final Process process = new ProcessBuilder(command)
                    .redirectError(errors.toFile())
                    .start();
                final String output;
                try (InputStream in = process.getInputStream())
                {
                    output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                if (!process.waitFor(30, TimeUnit.SECONDS))
                {
                    process.destroyForcibly().waitFor();
                }
                assertEquals(0, process.exitValue(), () -> "stderr: " + readQuietly(errors));
                assertEquals(expected + System.lineSeparator(), output);
            });
        }
        finally
        {
            Files.deleteIfExists(errors);
        }
    }

    private static String readQuietly(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }
}
