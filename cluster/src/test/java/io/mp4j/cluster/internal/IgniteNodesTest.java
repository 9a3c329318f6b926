package io.mp4j.cluster.internal;

import io.mp4j.internal.ProcessIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep of work directories that killed nodes left behind. */
class IgniteNodesTest
{
    @TempDir
    Path temporary;

    @Test
    void shouldRemoveOnlyTheWorkDirectoriesOfDeadProcesses() throws Exception
    {
        final Process ended = new ProcessBuilder("true").start();
        final ProcessIdentity dead = ProcessIdentity.of(ended.toHandle());
        assertTrue(ended.waitFor(30, TimeUnit.SECONDS));
        final ProcessIdentity self = ProcessIdentity.current();

        final Path left = Files.createDirectories(temporary.resolve(name(dead, 1)).resolve("marshaller"));
        Files.writeString(left.resolve("mapping"), "left by a killed node");
        final Path running = Files.createDirectory(temporary.resolve(name(self, 2)));
        final Path foreign = Files.createDirectory(temporary.resolve("mp4j-ignite-somebody-else"));
        final Path link = Files.createSymbolicLink(temporary.resolve(name(dead, 3)), foreign);

        assertEquals(1, IgniteNodes.sweepWorkDirectories(temporary));
        assertFalse(Files.exists(temporary.resolve(name(dead, 1))), "the dead node's directory went");
        assertTrue(Files.isDirectory(running), "a live node's directory stays");
        assertTrue(Files.isDirectory(foreign), "a directory of another name stays");
        assertTrue(Files.isSymbolicLink(link), "a link is never followed or removed");
    }

    private static String name(final ProcessIdentity owner, final long random)
    {
        return "mp4j-ignite-" + owner.pid() + '-' + Long.toHexString(owner.startEpochMilli()) + '-' + random;
    }
}
