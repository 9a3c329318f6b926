package io.mp4j.sharedstate;

import io.mp4j.RegionMissingException;
import io.mp4j.process.ChildProcess;
import io.mp4j.process.ProcessContext;
import io.mp4j.sharedmemory.ShareableList;
import io.mp4j.sharedmemory.SharedMemory;
import io.mp4j.session.Session;
import io.mp4j.test.NoLeaksExtension;
import io.mp4j.test.TestProcesses;
import org.agrona.concurrent.AtomicBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named shared memory between real JVMs. */
@ExtendWith(NoLeaksExtension.class)
class SharedMemoryProcessTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String SUFFIX = "-" + ProcessHandle.current().pid();
    private static final String BY_NAME = "by-name" + SUFFIX;
    private static final String PASSED = "passed" + SUFFIX;
    private static final String GREETING = "greeting" + SUFFIX;

    @TempDir
    Path root;

    @Test
    void shouldLetAnUnrelatedJvmAttachByName()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = "stranger" + SUFFIX;
            try (SharedMemory block = SharedMemory.create(name, 64))
            {
                block.buffer().putLongVolatile(0, 17);
                final Process stranger = startStranger("attach", name);
                assertEquals(0, stranger.waitFor(), log());

                assertTrue(log().contains("read=17"), log());
                assertEquals(4242, block.buffer().getLongVolatile(8));
                block.unlink();
                assertThrows(RegionMissingException.class, block::unlink, "a second unlink is Python's FileNotFoundError");
            }
        });
    }

    @Test
    void shouldRemoveABlockItsCreatorLeakedWhenTheCreatorsSessionEnds()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = "leaked" + SUFFIX;
            final Process stranger = startStranger("leak", name);
            assertEquals(0, stranger.waitFor(), log());

            assertTrue(log().contains("done"), log());
            assertThrows(RegionMissingException.class, () -> SharedMemory.attach(name), log());
            assertTrue(log().contains("leaked shared memory block name=" + name), log());
        });
    }

    @Test
    void shouldRemoveABlockOfAKilledCreatorWhenItsSessionIsSwept()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = "held" + SUFFIX;
            final Process stranger = startStranger("hold", name);
            TestProcesses.awaitParentLine(root, "created"); // reads parent.log, where the stranger writes
            stranger.destroyForcibly().waitFor();

            SharedMemory.attach(name).close(); // nothing ran at the killed JVM's exit
            assertEquals(1, Session.sweepStale(root.resolve("sessions")), log());
            assertThrows(RegionMissingException.class, () -> SharedMemory.attach(name));
        });
    }

    @Test
    void shouldThrowInsteadOfCrashingWhenAChildUsesViewsAfterClose()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = "closed" + SUFFIX;
            try (SharedMemory block = SharedMemory.create(name, 64))
            {
                final ChildProcess child = new ChildProcess(() ->
                {
                    final SharedMemory attached = SharedMemory.attach(name);
                    final AtomicBuffer atomic = attached.buffer();
                    final ByteBuffer bytes = attached.byteBuffer();
                    bytes.putLong(0, 11);
                    attached.close();
                    System.gc();
                    expectThrows(() -> atomic.putLong(0, 1));
                    expectThrows(() -> bytes.putLong(0, 1));
                    expectThrows(() -> bytes.getLong(16));
                    expectThrows(attached::byteBuffer);
                }).start();
                child.join();

                assertEquals(0, child.exitCode().orElseThrow(), "the child threw where it should, and did not crash");
                assertEquals(11, block.buffer().getLongVolatile(0));
                block.unlink();
            }
        });
    }

    /**
     * Starts a {@link BlockStrangerMain} JVM as a stranger: not an mp4j child (no parent session on its
     * command line, a session of its own under {@code root/sessions}) and, with {@code setsid}, in an OS
     * session of its own. Its output goes to {@code root/parent.log}.
     */
    private Process startStranger(final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")))
        {
            command.add("/usr/bin/setsid");
        }
        for (final String part : new ProcessContext().conclude().javaCommand(BlockStrangerMain.class.getName(), List.of(args)))
        {
            if (!part.startsWith("-D" + Session.CURRENT_PROPERTY + '='))
            {
                command.add(part);
            }
        }
        command.add(command.indexOf("-cp"), "-D" + Session.ROOT_PROPERTY + '=' + root.resolve("sessions"));
        return new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("parent.log").toFile())
            .start();
    }

    private static void expectThrows(final Runnable access)
    {
        try
        {
            access.run();
        }
        catch (final RuntimeException expected)
        {
            return;
        }
        throw new AssertionError("a view used after close() did not throw");
    }

    private String log() throws IOException
    {
        return Files.readString(root.resolve("parent.log"));
    }

    @Test
    void shouldLetChildAttachByNameAndWrite()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final String name = BY_NAME; // the child would make its own from its own pid
            try (SharedMemory block = SharedMemory.create(name, 1024))
            {
                final ChildProcess child = new ChildProcess(() ->
                {
                    try (SharedMemory attached = SharedMemory.attach(name))
                    {
                        attached.buffer().putLongVolatile(0, 0xCAFE);
                    }
                }).start();
                child.join();

                assertEquals(0, child.exitCode().orElseThrow());
                assertEquals(0xCAFE, block.buffer().getLongVolatile(0));
                block.unlink();
            }
        });
    }

    @Test
    void shouldKeepBlockWhenAChildThatReceivedItClosesAndExits()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final SharedMemory block = SharedMemory.create(PASSED, 64);
            final ChildProcess child = new ChildProcess((SharedMemory received) ->
            {
                received.buffer().putIntVolatile(4, 99);
                received.close();
            }, block).start();
            child.join();

            assertEquals(0, child.exitCode().orElseThrow());
            assertEquals(99, block.buffer().getIntVolatile(4));
            try (SharedMemory again = SharedMemory.attach(PASSED))
            {
                assertEquals(99, again.buffer().getIntVolatile(4), "only unlink removes a block, not a child's exit");
            }
            block.unlink();
            block.close();
            assertThrows(RegionMissingException.class, () -> SharedMemory.attach(PASSED));
        });
    }

    @Test
    void shouldShareAListWithAChild()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (ShareableList list = ShareableList.create(GREETING, List.of("hello", 0)))
            {
                final ChildProcess child = new ChildProcess((ShareableList received) ->
                {
                    received.set(0, "howdy");
                    received.set(1, 42);
                }, list).start();
                child.join();

                assertEquals(0, child.exitCode().orElseThrow());
                assertEquals(List.of("howdy", 42L), List.copyOf(list));
                list.unlink();
            }
        });
    }

    @Test
    void shouldLetAChildChangeTheKindOfAnItemThatFits()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            try (ShareableList list = ShareableList.create(Arrays.asList("hello", 0, null, 2.5)))
            {
                final ChildProcess child = new ChildProcess((ShareableList received) ->
                {
                    received.set(0, 7);          // str -> int
                    received.set(1, "howdy");    // int -> str of 8 bytes at most
                    received.set(2, "none");     // None -> str
                    received.set(3, true);       // float -> bool
                    try
                    {
                        received.set(2, "nine char");
                        throw new AssertionError("a string longer than the item's 8 bytes was taken");
                    }
                    catch (final IllegalArgumentException expected)
                    {
                        // Python's ValueError: bytes/str item exceeds available storage.
                    }
                }, list).start();
                child.join();

                assertEquals(0, child.exitCode().orElseThrow());
                assertEquals(Arrays.asList(7L, "howdy", "none", true), List.copyOf(list));
                assertEquals("ShareableList{name=" + list.shm().name() + ", items=[7, howdy, none, true]}", list.toString());
                list.unlink();
            }
        });
    }
}
