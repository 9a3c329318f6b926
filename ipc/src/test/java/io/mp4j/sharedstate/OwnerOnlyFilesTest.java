package io.mp4j.sharedstate;

import io.mp4j.process.ProcessContext;
import io.mp4j.session.Session;
import io.mp4j.sharedmemory.SharedMemory;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every file and directory mp4j makes is its owner's only, whatever the umask of the JVM that makes it. */
@ExtendWith(NoLeaksExtension.class)
class OwnerOnlyFilesTest
{
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final Set<PosixFilePermission> OWNER = EnumSet.of(
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    @TempDir
    Path root;

    @Test
    void shouldMakeEveryFileOwnerOnlyUnderUmaskZero()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final Process process = startEveryKindUnderUmaskZero();
            try
            {
                TestProcesses.awaitParentLine(root, "ready");
                assertEquals("0000", TestProcesses.awaitParentLine(root, "umask "), "the JVM runs with umask 000");
                final Path session = Path.of(TestProcesses.awaitParentLine(root, "session "));
                awaitBells(session, 2); // the sleeping thread's and the child's

                final List<Path> made = new ArrayList<>();
                try (Stream<Path> files = Stream.concat(Files.walk(root.resolve("sessions")), Files.walk(root.resolve("shm"))))
                {
                    files.forEach(made::add);
                }
                final String loose = made.stream()
                    .filter(OwnerOnlyFilesTest::isLoose)
                    .map(file -> file + " " + permissions(file))
                    .collect(Collectors.joining("\n"));
                assertEquals("", loose, "files others may read, write or enter, of:\n" + list(made));
                for (final String kind : List.of("bell-", ".region", "spill"))
                {
                    assertTrue(made.stream().anyMatch(file -> file.getFileName().toString().contains(kind)),
                        "a file of each kind was looked at: " + kind + " in\n" + list(made));
                }
            }
            finally
            {
                process.getOutputStream().close();
                if (!process.waitFor(1, TimeUnit.MINUTES))
                {
                    process.destroyForcibly().waitFor();
                }
            }
            assertEquals(0, process.exitValue(), log());
            assertTrue(log().contains("ended"), log());
        });
    }

    private Process startEveryKindUnderUmaskZero() throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "umask 000; exec \"$@\"", "sh"));
        for (final String part : new ProcessContext().conclude().javaCommand(EveryKindMain.class.getName(), List.of()))
        {
            if (!part.startsWith("-D" + Session.CURRENT_PROPERTY + '='))
            {
                command.add(part);
            }
        }
        final int main = command.indexOf(EveryKindMain.class.getName());
        command.add(main, "-D" + Session.ROOT_PROPERTY + '=' + root.resolve("sessions"));
        command.add(main, "-D" + SharedMemory.DIRECTORY_PROPERTY + '=' + root.resolve("shm/blocks"));
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("parent.log").toFile())
            .start();
    }

    private static void awaitBells(final Path session, final int count) throws IOException, InterruptedException
    {
        while (true)
        {
            try (Stream<Path> files = Files.list(session))
            {
                if (files.filter(file -> file.getFileName().toString().startsWith("bell-")).count() >= count)
                {
                    return;
                }
            }
            Thread.sleep(10);
        }
    }

    private static boolean isLoose(final Path file)
    {
        try
        {
            final PosixFileAttributes attributes =
                Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return !OWNER.containsAll(attributes.permissions());
        }
        catch (final IOException ex)
        {
            return false; // gone meanwhile, such as a message taken
        }
    }

    private static String permissions(final Path file)
    {
        try
        {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
        }
        catch (final IOException ex)
        {
            return "gone";
        }
    }

    private static String list(final List<Path> files)
    {
        return files.stream().map(file -> file + " " + permissions(file)).collect(Collectors.joining("\n"));
    }

    private String log() throws IOException
    {
        return Files.readString(root.resolve("parent.log"), StandardCharsets.UTF_8);
    }
}
