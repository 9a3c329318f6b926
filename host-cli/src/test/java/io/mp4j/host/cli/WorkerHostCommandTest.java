package io.mp4j.host.cli;

import io.mp4j.host.WorkerHost;
import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.CapturedOutput;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker host's command line as a user runs it: {@code start} in a JVM of its own, then
 * {@code status} and {@code stop} against it by name.
 */
@ExtendWith(NoLeaksExtension.class)
class WorkerHostCommandTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int SIGTERM_EXIT_CODE = 128 + 15;

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @Test
    void shouldStartReportAndStopAHostByName()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = TestHosts.uniqueName();
            final Path log = root.resolve("host.log");
            final Process host = new ProcessBuilder(ProcessContext.defaultContext().javaCommand(
                WorkerHostCommand.class.getName(), List.of("start", "--name", name, "--workers", "1")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            try
            {
                while (!Files.readString(log).contains("worker host started: name=" + name) ||
                    !TestHosts.allWorkersFree(name))
                {
                    assertTrue(host.isAlive(), () -> TestHosts.readQuietly(log));
                    Thread.sleep(20);
                }

                assertEquals(0, WorkerHostCommand.execute("status", "--name", name));
                assertTrue(output.outLines().stream().anyMatch(line -> line.startsWith("host " + name + " pid=" +
                    host.pid()) && line.contains("workers=1")), () -> String.join("\n", output.outLines()));
                final String classPath = WorkerHost.status(name).workers().get(0).classPath();
                assertTrue(output.outLines().stream().anyMatch(line -> line.contains("worker 0 ") &&
                    line.contains("state=free") && line.endsWith(" classPath=" + classPath)),
                    () -> String.join("\n", output.outLines()));

                assertEquals(0, WorkerHostCommand.execute("stop", "--name", name));
                // stop sends SIGTERM: the host's shutdown hooks stop its workers, and the JVM reports the signal.
                assertEquals(SIGTERM_EXIT_CODE, host.waitFor(), () -> TestHosts.readQuietly(log));
                assertFalse(Files.exists(HostDescriptor.registrationOf(name)), "the host removed its registration");
                assertEquals(1, WorkerHostCommand.execute("status", "--name", name), "no host of that name runs");
            }
            finally
            {
                host.destroyForcibly().waitFor();
            }
        });
    }

    @Test
    void shouldRefuseToStartThroughALinkPlantedAtTheRegistrationPath()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = TestHosts.uniqueName();
            final Path registration = HostDescriptor.registrationOf(name);
            final Path target = Files.writeString(root.resolve("precious.txt"), "not a host's\n");
            Files.createSymbolicLink(registration, target);
            try
            {
                assertEquals(1, WorkerHostCommand.execute("start", "--name", name, "--workers", "1"));
                assertTrue(output.errText().contains("error: cannot register worker host: name=" + name + " file=" +
                    registration + " is a symbolic link to " + target), output.errText());
                assertEquals("not a host's\n", Files.readString(target), "the file the link points to is untouched");
            }
            finally
            {
                Files.deleteIfExists(registration);
            }
        });
    }

    @Test
    void shouldRefuseAnInvalidNameAndPrintUsageWithoutArguments()
    {
        assertEquals(1, WorkerHostCommand.execute("status", "--name", "bad/name"));
        assertTrue(output.errText().contains("invalid worker host name: name=bad/name"), output.errText());
        assertEquals(2, WorkerHostCommand.execute());
        assertTrue(output.outLines().stream().anyMatch(line -> line.contains("mp4j-worker-host")));
    }
}
