package io.mp4j.session;

import io.mp4j.SessionMissingException;
import io.mp4j.internal.ProcessIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTest
{
    @TempDir
    Path root;

    @Test
    void shouldCreateOwnerOnlyDirectoryNamedForItsOwner() throws Exception
    {
        try (Session session = Session.create(root))
        {
            final Path directory = session.directory();
            assertTrue(Files.isDirectory(directory));
            assertTrue(directory.getFileName().toString().startsWith("mp4j-" + ProcessHandle.current().pid() + '-'));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
            assertTrue(session.isOwner());

            final Path file = session.writeAtomically("data", new byte[]{1, 2, 3});
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            final Path empty = session.createFile("empty");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(empty)));
        }
    }

    @Test
    void shouldRemoveDirectoryWhenOwnerCloses()
    {
        final Session session = Session.create(root);
        session.writeAtomically("data", new byte[16]);
        session.close();
        session.close();

        assertFalse(Files.exists(session.directory()));
        assertThrows(SessionMissingException.class, () -> session.file("data"));
    }

    @Test
    void shouldLeaveDirectoryWhenAttachedHandleCloses()
    {
        try (Session owner = Session.create(root))
        {
            final Session attached = Session.attach(owner.directory());
            assertFalse(attached.isOwner());
            assertEquals(owner.owner(), attached.owner());
            attached.close();
            assertTrue(Files.isDirectory(owner.directory()));
        }
    }

    @Test
    void shouldRefuseToAttachToMissingOrForeignDirectory() throws Exception
    {
        final SessionMissingException missing =
            assertThrows(SessionMissingException.class, () -> Session.attach(root.resolve("mp4j-1-abc-1")));
        assertTrue(missing.getMessage().contains("path="), missing.getMessage());

        final Path foreign = Files.createDirectory(root.resolve("not-a-session"));
        assertThrows(SessionMissingException.class, () -> Session.attach(foreign));
    }

    @Test
    void shouldReportVanishedDirectoryPrecisely() throws Exception
    {
        try (Session session = Session.create(root))
        {
            Files.delete(session.directory());
            final SessionMissingException ex =
                assertThrows(SessionMissingException.class, () -> session.writeAtomically("x", new byte[1]));
            assertTrue(ex.getMessage().contains("vanished"), ex.getMessage());
        }
    }

    @Test
    void shouldSweepSessionsOfDeadOwnersOnly() throws Exception
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        final Path stale = Files.createDirectory(root.resolve("mp4j-" + finished.pid() + "-1-1"));
        Files.write(stale.resolve("leftover.region"), new byte[64]);
        final Path unrelated = Files.createDirectory(root.resolve("mp4j-something-else"));

        try (Session live = Session.create(root))
        {
            assertFalse(Files.exists(stale), "stale session of a dead owner is swept");
            assertTrue(Files.exists(unrelated), "directories not named like sessions are left alone");
            assertEquals(0, Session.sweepStale(root), "a live owner's session is never swept");
            assertTrue(Files.exists(live.directory()));
        }
    }

    @Test
    void shouldTellReusedPidFromOriginalProcess()
    {
        final ProcessIdentity self = ProcessIdentity.current();
        assertTrue(self.isAlive());
        assertFalse(new ProcessIdentity(self.pid(), self.startEpochMilli() - 60_000).isAlive(),
            "same pid, other start time: a different process");
    }
}
