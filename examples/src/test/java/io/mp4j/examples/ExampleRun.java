package io.mp4j.examples;

import io.mp4j.process.ProcessContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of an example in its own JVM, as a user would run it, with its output captured in a file.
 *
 * @param exitCode the JVM's exit code.
 * @param stdout   the lines it printed to standard output.
 * @param stderr   what it printed to standard error.
 */
record ExampleRun(int exitCode, List<String> stdout, String stderr)
{
    /**
     * Runs {@code Examples <name>} on the test classpath, with mp4j's flags added as they would be for
     * any child JVM.
     */
    static ExampleRun ofClasspath(final Path workDirectory, final String... nameAndArguments) throws Exception
    {
        return run(workDirectory,
            ProcessContext.defaultContext().javaCommand(Examples.class.getName(), List.of(nameAndArguments)));
    }

    /** Runs {@code java -jar <jar> <name>} with no flags at all: the manifest must carry them. */
    static ExampleRun ofJar(final Path workDirectory, final Path jar, final String name) throws Exception
    {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return run(workDirectory, List.of(java, "-jar", jar.toString(), name));
    }

    private static ExampleRun run(final Path workDirectory, final List<String> command)
        throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile(workDirectory, "example", ".out");
        final Path err = Files.createTempFile(workDirectory, "example", ".err");
        final Process process = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        if (!process.waitFor(120, TimeUnit.SECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError("example did not finish: command=" + command + " stderr=" + Files.readString(err));
        }
        return new ExampleRun(process.exitValue(), Files.readAllLines(out), Files.readString(err));
    }
}
