package io.mp4j.session;

import io.mp4j.SessionMissingException;
import io.mp4j.internal.LinkSwapper;
import io.mp4j.internal.ProcessIdentity;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionTest
{
    private static final int NOBODY = 65534;
    private static final int SWAP_ITERATIONS = 100;

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
    void shouldReadTheCreatorFromASessionsNameAndNothingFromOtherNames()
    {
        try (Session session = Session.create(root))
        {
            assertEquals(session.owner(), Session.ownerNamed(session.directory().getFileName().toString()));
        }
        final ProcessIdentity named = Session.ownerNamed("mp4j-4242-1a24ee15284-7");
        assertEquals(4242, named.pid());
        assertEquals(0x1a24ee15284L, named.startEpochMilli());

        for (final String other : List.of("mp4j-", "mp4j-1-abc", "mp4j-1-abc-", "mp4j--abc-1", "mp4j-1--1",
            "mp4j-1-ABC-1", "mp4j-1-abg-1", "mp4j-1a-abc-1", "mp4j-1-abc-1x", "mp4j-1-abc-1-2", "xmp4j-1-abc-1",
            "mp4j-99999999999999999999-abc-1", "mp4j-1-abc-\u0661", "not-a-session"))
        {
            assertNull(Session.ownerNamed(other), other);
        }
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
    void shouldMakeAMissingRootOwnerOnly() throws Exception
    {
        final Path missing = root.resolve("made/by/mp4j");
        try (Session session = Session.create(missing))
        {
            for (Path made = missing; !made.equals(root); made = made.getParent())
            {
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)),
                    "a root directory mp4j makes is owner-only whatever the umask: " + made);
            }
            assertTrue(Files.isDirectory(session.directory()));
        }
    }

    @Test
    void shouldLeaveALinkNamedLikeADeadSessionAndWhatItPointsAt() throws Exception
    {
        final Path outside = outsideWithAPreciousFile(root.resolve("outside"));
        final Path link = Files.createSymbolicLink(root.resolve(deadSessionName()), outside);
        final List<String> refused = new CopyOnWriteArrayList<>();

        assertEquals(0, SessionSweep.sweep(root, (level, message) -> refused.add(level + " " + message)));

        assertTrue(Files.isSymbolicLink(link), "the link is left alone");
        assertOutsideUntouched(outside);
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.get(0).startsWith(Level.WARNING + " not swept: a symbolic link is where a dead session's " +
            "directory should be"), refused.get(0));
        assertTrue(refused.get(0).contains("path=" + link) && refused.get(0).contains("target=" + outside),
            refused.get(0));
    }

    @Test
    void shouldLeaveAnotherUsersDeadSessionAlone() throws Exception
    {
        final Path foreign = Files.createDirectory(root.resolve(deadSessionName()));
        final Path file = Files.write(foreign.resolve("leftover.region"), new byte[64]);
        try
        {
            Files.setAttribute(file, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(foreign, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final FileSystemException | UnsupportedOperationException ex)
        {
            Assumptions.abort("cannot give a file to another user (uid " + NOBODY + ") here: " + ex);
        }
        final List<String> refused = new CopyOnWriteArrayList<>();

        assertEquals(0, SessionSweep.sweep(root, (level, message) -> refused.add(level + " " + message)));

        assertTrue(Files.exists(file), "another user's session is that user's to sweep");
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.get(0).startsWith(Level.DEBUG + " not swept: another user's dead session"), refused.get(0));
        assertTrue(refused.get(0).contains("path=" + foreign), refused.get(0));
    }

    @Test
    void shouldNeverRemoveWhatALinkSwappedInForADeadSessionPointsAt()
    {
        assertTimeoutPreemptively(Duration.ofMinutes(2), () ->
        {
            final String dead = deadSessionName();
            for (int i = 0; i < SWAP_ITERATIONS; i++)
            {
                final Path iteration = Files.createDirectory(root.resolve("iteration-" + i));
                final Path outside = outsideWithAPreciousFile(iteration.resolve("outside"));
                final Path session = Files.createDirectory(iteration.resolve(dead));
                for (int file = 0; file < 16; file++)
                {
                    Files.write(session.resolve("region-" + file + ".region"), new byte[64]);
                }
                Files.createDirectory(session.resolve("queue"));
                Files.write(session.resolve("queue/data"), new byte[64]);
                // A link already inside the session: it goes with the session, its target stays.
                Files.createSymbolicLink(session.resolve("planted"), outside);

                final LinkSwapper swapper = new LinkSwapper(outside, List.of(session));
                try
                {
                    Session.sweepStale(iteration);
                }
                finally
                {
                    swapper.close();
                }
                assertOutsideUntouched(outside);
            }
        });
    }

    @Test
    void shouldTellReusedPidFromOriginalProcess()
    {
        final ProcessIdentity self = ProcessIdentity.current();
        assertTrue(self.isAlive());
        assertFalse(new ProcessIdentity(self.pid(), self.startEpochMilli() - 60_000).isAlive(),
            "same pid, other start time: a different process");
    }

    private static String deadSessionName() throws IOException, InterruptedException
    {
        final Process finished = new ProcessBuilder("true").start();
        finished.waitFor();
        return "mp4j-" + finished.pid() + "-1-1";
    }

    /** A directory outside any session with a file, and a remove-at-end record naming that file as one might plant it. */
    private static Path outsideWithAPreciousFile(final Path outside) throws IOException
    {
        Files.createDirectories(outside);
        final Path precious = Files.writeString(outside.resolve("precious"), "keep me");
        final Object key = Files.readAttributes(precious, BasicFileAttributes.class).fileKey();
        Files.writeString(outside.resolve(Session.REMOVE_AT_END_PREFIX + "precious"),
            precious + "\n" + key + "\nplanted record", StandardCharsets.UTF_8);
        Files.createDirectory(outside.resolve("inner"));
        Files.writeString(outside.resolve("inner/also-precious"), "keep me too");
        return outside;
    }

    private static void assertOutsideUntouched(final Path outside)
    {
        assertTrue(Files.exists(outside.resolve("precious")), "the file outside is untouched");
        assertTrue(Files.exists(outside.resolve(Session.REMOVE_AT_END_PREFIX + "precious")), "nothing outside is removed");
        assertTrue(Files.exists(outside.resolve("inner/also-precious")), "nothing below outside is removed");
    }
}
