package io.mp4j.host;

import io.mp4j.Mp4jException;
import io.mp4j.host.internal.HostConnection;
import io.mp4j.host.internal.HostDescriptor;
import io.mp4j.pool.Pool;
import io.mp4j.pool.PoolContext;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.FakeHost;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.OtherUser;
import io.mp4j.test.TestHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker host on a machine shared with other users: the registration's path under the shared root may
 * hold anything another user put there, and a host found by name may be another user's. The host writes
 * nothing through what it finds, and a client attaches to nothing that is not its own user's, owner-only.
 */
@ExtendWith(NoLeaksExtension.class)
class HostOwnershipTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PRECIOUS = "a file of this user's that no host may write\n";

    @TempDir
    Path root;

    private final String name = TestHosts.uniqueName();
    private final Path registration = HostDescriptor.registrationOf(name);

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void shouldRefuseToRegisterThroughALinkPlantedAtTheRegistrationPath(final boolean targetExists)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Path target = root.resolve("precious.txt");
            if (targetExists)
            {
                Files.writeString(target, PRECIOUS);
            }
            Files.createSymbolicLink(registration, target);
            try
            {
                final Mp4jException ex = assertThrows(Mp4jException.class,
                    () -> WorkerHost.start(name, 1, new ProcessContext().conclude()));
                assertEquals("cannot register worker host: name=" + name + " file=" + registration +
                    " is a symbolic link to " + target + ", owned by user " + thisUser() + " (mp4j never writes " +
                    "through a link: remove it, or choose another name)", ex.getMessage());

                assertEquals(target, Files.readSymbolicLink(registration), "the link is left as it was");
                if (targetExists)
                {
                    assertEquals(PRECIOUS, Files.readString(target), "the file the link points to is untouched");
                }
                else
                {
                    assertFalse(Files.exists(target, LinkOption.NOFOLLOW_LINKS), "nothing was made where it points");
                }
            }
            finally
            {
                Files.deleteIfExists(registration);
            }
        });
    }

    @Test
    void shouldNameTheOwnerOfAFileSquattingTheName()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (OtherUser squatter = OtherUser.create())
            {
                try
                {
                    final OtherUser.Result planted = squatter.run("sh", "-c", "echo squat > " + registration);
                    assertEquals(0, planted.exitCode(), planted.output());

                    final Mp4jException ex = assertThrows(Mp4jException.class,
                        () -> WorkerHost.start(name, 1, new ProcessContext().conclude()));
                    assertEquals("cannot register worker host: name=" + name + " file=" + registration +
                        " is owned by user " + squatter.name() + " (uid " + squatter.uid() + ") (remove it, or choose " +
                        "another name)", ex.getMessage());
                    assertEquals("squat\n", Files.readString(registration), "the other user's file is untouched");
                }
                finally
                {
                    Files.deleteIfExists(registration);
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"registration", "session", "controlRegion"})
    void shouldRefuseAHostWhosePartIsAnotherUsers(final String part)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (OtherUser other = OtherUser.create(); FakeHost host = new FakeHost(HostDescriptor.LAYOUT_VERSION))
            {
                final Path file = partOf(host, part);
                other.own(file);

                final UntrustedHostException ex = assertThrows(UntrustedHostException.class,
                    () -> HostConnection.connect(host.name(), ProcessContext.defaultContext()));
                assertEquals(refusal(host, part, file, "is owned by user " + other.name() + " (uid " + other.uid() + ")"),
                    ex.getMessage());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"registration", "session", "controlRegion"})
    void shouldRefuseAHostWhosePartIsOpenToOtherUsers(final String part)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (FakeHost host = new FakeHost(HostDescriptor.LAYOUT_VERSION))
            {
                final Path file = partOf(host, part);
                final String opened = part.equals("session") ? "rwxr-xr-x" : "rw-r--r--";
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(opened));

                final UntrustedHostException ex = assertThrows(UntrustedHostException.class,
                    () -> HostConnection.connect(host.name(), ProcessContext.defaultContext()));
                assertEquals(refusal(host, part, file, "is open to other users (" + opened + "), owned by user " +
                    thisUser()), ex.getMessage());
            }
        });
    }

    @Test
    void shouldRefuseARegistrationThatIsALink()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (FakeHost host = new FakeHost(HostDescriptor.LAYOUT_VERSION))
            {
                // A registration that looks right, somewhere else, and a link to it where clients look.
                final Path elsewhere = root.resolve("registration");
                Files.move(host.registration(), elsewhere);
                Files.createSymbolicLink(host.registration(), elsewhere);

                final UntrustedHostException ex = assertThrows(UntrustedHostException.class,
                    () -> HostConnection.connect(host.name(), ProcessContext.defaultContext()));
                assertEquals(refusal(host, "registration", host.registration(), "is a symbolic link to " + elsewhere +
                    ", owned by user " + thisUser()), ex.getMessage());
            }
        });
    }

    @Test
    void shouldRefuseWithinASecondAPoolOnAnotherUsersHostWithItsFilesOpenedUp()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (OtherUser other = OtherUser.create(); FakeHost host = new FakeHost(HostDescriptor.LAYOUT_VERSION))
            {
                for (final Path file : new Path[]{host.registration(), host.sessionDirectory(), host.controlFile()})
                {
                    other.own(file);
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(
                        Files.isDirectory(file) ? "rwxrwxrwx" : "rw-rw-rw-"));
                }
                final PoolContext context = new PoolContext().host(host.name());
                // Once untimed, so that loading the pool's classes on a busy machine is not what is measured.
                assertThrows(UntrustedHostException.class, () -> new Pool(context).close());

                final UntrustedHostException ex = assertTimeoutPreemptively(Duration.ofSeconds(1),
                    () -> assertThrows(UntrustedHostException.class, () -> new Pool(context).close()));
                assertTrue(ex.getMessage().startsWith("refusing worker host: name=" + host.name() + " registration=" +
                    host.registration() + " is owned by user " + other.name() + " (uid " + other.uid() + ")"),
                    ex.getMessage());
            }
        });
    }

    @Test
    void shouldTakeOverAStaleRegistrationOfItsOwnUserAndWriteItOwnerOnly()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // What a SIGKILLed host leaves: its registration, unlocked, naming a session that is gone.
            Files.writeString(registration, "/dev/shm/mp4j-1-1-1\n1\n");
            final Object staleFile = Files.readAttributes(registration, "unix:ino").get("ino");
            final WorkerHost host = WorkerHost.start(name, 1, new ProcessContext().conclude());
            try
            {
                final Map<String, Object> registered = Files.readAttributes(registration, "unix:*", LinkOption.NOFOLLOW_LINKS);
                assertTrue((Boolean)registered.get("isRegularFile"));
                assertFalse(staleFile.equals(registered.get("ino")), "the stale file was replaced, not written");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(registration)));
                assertTrue(Files.readString(registration).endsWith("\n" + ProcessHandle.current().pid() + "\n"));
                assertEquals(ProcessHandle.current().pid(), WorkerHost.status(name).pid());

                final Mp4jException second = assertThrows(Mp4jException.class,
                    () -> WorkerHost.start(name, 1, new ProcessContext().conclude()));
                assertEquals("a worker host of that name is already running: name=" + name + " pid=" +
                    ProcessHandle.current().pid(), second.getMessage());
            }
            finally
            {
                host.close();
            }
            assertFalse(Files.exists(registration, LinkOption.NOFOLLOW_LINKS), "the host removed its registration");
        });
    }

    private static Path partOf(final FakeHost host, final String part)
    {
        return switch (part)
        {
            case "registration" -> host.registration();
            case "session" -> host.sessionDirectory();
            default -> host.controlFile();
        };
    }

    private static String refusal(final FakeHost host, final String part, final Path file, final String found)
        throws Exception
    {
        return "refusing worker host: name=" + host.name() + " " + part + "=" + file + " " + found + "; this client " +
            "(uid " + Files.getAttribute(Path.of("/proc/self"), "unix:uid") + ") attaches only to a host whose " +
            "registration, session and control region are its own user's, owner-only";
    }

    /** This JVM's user as messages name it: {@code root (uid 0)}. */
    private static String thisUser() throws Exception
    {
        final Path self = Path.of("/proc/self");
        return Files.getOwner(self).getName() + " (uid " + Files.getAttribute(self, "unix:uid") + ")";
    }
}
