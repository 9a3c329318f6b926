package io.mp4j.process;

import io.mp4j.session.Session;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parent JVM's end, normal or violent, and what becomes of its children and its session. */
@ExtendWith(NoLeaksExtension.class)
class ChildLifecycleTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    @Test
    void shouldStopDaemonJoinOthersAndRemoveSessionWhenParentExitsNormally()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path marker = root.resolve("worker-finished");
            final Process parent = TestProcesses.startParent(root, "exit-normally", marker.toString());
            final Path session = Paths.get(TestProcesses.awaitParentLine(root, "session "));
            final long daemon = Long.parseLong(TestProcesses.awaitParentLine(root, "daemon "));

            assertEquals(0, parent.waitFor(), () -> readLog());
            assertEquals("done", Files.readString(marker), "the non-daemon child was joined, not killed");
            TestProcesses.awaitExit(daemon);
            assertFalse(Files.exists(session), "session removed at exit: " + session);
        });
    }

    @Test
    void shouldStopChildrenWhenParentIsKilled()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Process parent = TestProcesses.startParent(root, "sleep");
            final Path session = Paths.get(TestProcesses.awaitParentLine(root, "session "));
            final long child = Long.parseLong(TestProcesses.awaitParentLine(root, "child "));
            TestProcesses.awaitParentLine(root, "ready");

            parent.destroyForcibly().waitFor();
            final long killedAt = System.nanoTime();
            TestProcesses.awaitExit(child);
            final long reactionMillis = (System.nanoTime() - killedAt) / 1_000_000;
            System.err.println("child noticed parent's SIGKILL after ms=" + reactionMillis);
            assertTrue(reactionMillis < 1_000, "a child notices its parent's death within a second: ms=" + reactionMillis);

            assertTrue(Files.exists(session), "a SIGKILLed owner cannot remove its session");
            assertEquals(1, Session.sweepStale(session.getParent()), "the next session sweeps it");
            assertFalse(Files.exists(session));
        });
    }

    @Test
    void shouldStopChildWaitingForItsNonDaemonThreadWhenParentIsKilled()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Process parent = TestProcesses.startParent(root, "sleep-in-non-daemon-thread");
            final long child = Long.parseLong(TestProcesses.awaitParentLine(root, "child "));
            TestProcesses.awaitParentLine(root, "ready");
            Thread.sleep(100); // the target has returned: the child waits for its thread

            parent.destroyForcibly().waitFor();
            TestProcesses.awaitExit(child);
            Session.sweepStale(root.resolve("sessions"));
        });
    }

    private String readLog()
    {
        try
        {
            return Files.readString(root.resolve("parent.log"));
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }
}
