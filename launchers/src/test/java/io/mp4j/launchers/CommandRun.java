package io.mp4j.launchers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One finished run of a command (a build, or a launch of the test application), its standard output and
 * error together in a log file.
 *
 * @param name     what was run, for messages.
 * @param command  the command line.
 * @param exitCode its exit code.
 * @param output   what it printed.
 */
record CommandRun(String name, List<String> command, int exitCode, String output)
{
    /** Environment variables that would add JVM options behind the test's back; no launch inherits them. */
    private static final List<String> JVM_OPTION_VARIABLES =
        List.of("MAVEN_OPTS", "MAVEN_ARGS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    /**
     * Runs a command to its end or its time limit, whichever comes first; past the limit, the command and
     * every process it started are killed and the test fails with what it printed.
     */
    static CommandRun run(
        final String name, final Path directory, final List<String> command, final Duration limit, final Path log)
        throws IOException, InterruptedException
    {
        Files.createDirectories(log.getParent());
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        final Map<String, String> environment = builder.environment();
        JVM_OPTION_VARIABLES.forEach(environment::remove);
        // mvn and gradle run on the JDK that runs the tests.
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        final Process process = builder.start();
        final boolean ended;
        try
        {
            ended = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        finally
        {
            killIfAlive(process);
        }
        final String output = Files.readString(log, StandardCharsets.UTF_8);
        if (!ended)
        {
            fail(name + " did not end within " + limit + " and was killed: command=" + command + "\n" + output);
        }
        return new CommandRun(name, command, process.exitValue(), output);
    }

    /** Fails with the command's output unless it exited with 0. */
    CommandRun assertSucceeded()
    {
        if (exitCode != 0)
        {
            fail(name + " failed: exitCode=" + exitCode + " command=" + command + "\n" + output);
        }
        return this;
    }

    /** The lines it printed that start with one of the prefixes, in order. */
    List<String> linesStartingWith(final List<String> prefixes)
    {
        return output.lines()
            .filter(line -> prefixes.stream().anyMatch(line::startsWith))
            .collect(Collectors.toList());
    }

    @Override
    public String toString()
    {
        return name + ": exitCode=" + exitCode + " command=" + command + "\n" + output;
    }

    /** A process that is still alive (the test was interrupted, or it overran) goes, with its children. */
    private static void killIfAlive(final Process process) throws InterruptedException
    {
        if (!process.isAlive())
        {
            return;
        }
        final List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
