package io.mp4j.manager.dict;

import io.mp4j.Mp4jException;
import io.mp4j.manager.Manager;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dict's capacity as every process sees it, and the permissions of the files mp4j makes for Chronicle. */
@ExtendWith(NoLeaksExtension.class)
class DictCapacityTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Test
    void shouldReportItsCapacityAndRefuseANewKeyPastItInEveryJvm()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, Object> dict = Dicts.of(manager, 10);
                assertEquals(10 * SharedDict.MAX_GROWTH, dict.capacity());
                for (int i = 0; i < dict.capacity(); i++)
                {
                    dict.put("key-" + i, i);
                }
                final Mp4jException ex = assertThrows(Mp4jException.class, () -> dict.put("one-too-many", 0));
                assertTrue(ex.getMessage().contains("shared dict is full") && ex.getMessage().contains("capacity=40"),
                    ex.getMessage());

                final ChildProcess child = new ChildProcess((SharedDict<String, Object> shared) ->
                {
                    if (shared.capacity() != 40)
                    {
                        throw new IllegalStateException("capacity=" + shared.capacity());
                    }
                    refuseNewKeys(shared, 50);
                    shared.put("key-0", -1);  // a key it holds can still change
                    shared.remove("key-1");
                    shared.put("in-the-room-made", 1);
                    shared.close();
                }, dict).start();
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), () -> child.failure().map(Throwable::toString).orElse(""));
                assertEquals(-1, dict.get("key-0"));
                assertEquals(1, dict.get("in-the-room-made"));
                assertEquals(40, dict.size());
            }
        });
    }

    @Test
    void shouldRefuseEveryNewKeyInEveryJvmOnceTheMapRanOutOfRoom()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (Manager manager = new Manager())
            {
                final SharedDict<String, Object> dict = Dicts.of(manager, 1_000);
                // Values ten times larger than the dict was sized for fill its segments long before its capacity.
                int held = 0;
                while (true)
                {
                    try
                    {
                        dict.put("large-" + held, new byte[600]);
                        held++;
                    }
                    catch (final Mp4jException full)
                    {
                        assertTrue(full.getMessage().contains("shared dict is full"), full.getMessage());
                        break;
                    }
                }
                assertTrue(held < 1_000 * SharedDict.MAX_GROWTH, "held=" + held);
                assertEquals(held, dict.capacity(), "the capacity is what it held when it said it was full");

                // Small keys would still fit in segments with room left: another JVM must not add them.
                final ChildProcess child = new ChildProcess((SharedDict<String, Object> shared) ->
                {
                    refuseNewKeys(shared, 500);
                    shared.put("large-0", 1);
                    shared.close();
                }, dict).start();
                child.join();
                assertEquals(0, child.exitCode().orElseThrow(), () -> child.failure().map(Throwable::toString).orElse(""));
                assertEquals(held, dict.size());
                assertEquals(1, dict.get("large-0"));
            }
        });
    }

    private static void refuseNewKeys(final SharedDict<String, Object> dict, final int attempts)
    {
        final List<String> accepted = new ArrayList<>();
        for (int i = 0; i < attempts; i++)
        {
            try
            {
                dict.put("small-" + i, i);
                accepted.add("small-" + i);
            }
            catch (final Mp4jException expected)
            {
                // Full: as it must be.
            }
        }
        if (!accepted.isEmpty())
        {
            throw new IllegalStateException("a full dict took new keys: " + accepted.size() + " of " + attempts +
                " capacity=" + dict.capacity() + " size=" + dict.size());
        }
    }

    @Test
    void shouldMakeFilesOwnerOnlyWhateverTheUmask(@TempDir final Path root)
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final List<String> command = new ArrayList<>(List.of("sh", "-c", "umask 000 && exec \"$@\"", "sh"));
            command.addAll(new ProcessContext().conclude().javaCommand(UmaskZeroMain.class.getName(), List.of(root.toString())));
            final Path log = root.resolve("main.log");
            final Process main = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try
            {
                assertTrue(main.waitFor(90, TimeUnit.SECONDS), "the JVM under umask 000 did not finish");
            }
            finally
            {
                main.destroyForcibly();
            }
            final List<String> lines = Files.readAllLines(log);
            assertEquals(0, main.exitValue(), String.join("\n", lines));
            assertTrue(lines.contains("control rw-rw-rw-"), "umask 000 was not in force: " + lines);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("file dict-umask.cmap ")), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("file durable/queue/mp4j-cursor.dat ")),
                String.join("\n", lines));
            for (final String line : lines)
            {
                if (line.startsWith("file "))
                {
                    final String permissions = line.substring(line.lastIndexOf(' ') + 1);
                    assertTrue(permissions.equals("rw-------") || permissions.equals("rwx------"), line);
                }
            }
            try (Stream<Path> left = Files.list(root.resolve("sessions")))
            {
                assertEquals(List.of(), left.toList(), "the session was not removed");
            }
        });
    }
}
