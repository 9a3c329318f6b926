package io.mp4j.connection;

import io.mp4j.EndOfStreamException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.process.ChildProcess;
import io.mp4j.sync.SharedLock;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.mp4j.connection.PipeTest.pattern;
import static io.mp4j.connection.PipeTest.spillFiles;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pipe's ends shared with real child JVMs, as Python shares a pipe's file descriptors: end of stream
 * comes once every copy of the writing end is closed or its process is gone, and a message of any size
 * crosses at default settings.
 */
@ExtendWith(NoLeaksExtension.class)
class PipeAcrossJvmsTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(90);
    private static final int LARGE = 16 << 20;

    @Test
    void shouldKeepTheStreamOpenWhileTheParentHoldsTheWritingEndAfterTheChildClosedItsCopyAndExited()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open(false))
            {
                final Connection reader = pipe.first();
                final Connection writer = pipe.second();
                final ChildProcess child = new ChildProcess(() ->
                {
                    writer.send("from child");
                    writer.close();
                }).start();

                assertEquals("from child", reader.recv());
                child.join();
                assertEquals(0, child.exitCode().orElseThrow());
                // The child let go of its copy only: the parent's copy still holds the writing end open.
                assertFalse(reader.poll(Duration.ofMillis(500)));
                assertThrows(Mp4jTimeoutException.class, () -> reader.recv(Duration.ofMillis(300)));

                writer.send("from parent");
                assertEquals("from parent", reader.recv());
                writer.close();
                assertTrue(reader.poll(Duration.ofSeconds(5)));
                assertThrows(EndOfStreamException.class, reader::recv);
            }
        });
    }

    @Test
    void shouldEndTheStreamOnlyOnceEveryChildsCopyIsClosedOrItsProcessGone()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open(false); Pipe control = Pipe.open())
            {
                final Connection reader = pipe.first();
                final Connection writer = pipe.second();
                final Connection orders = control.second();
                final ChildProcess exits = new ChildProcess(() -> writer.send("a")).start();
                final ChildProcess stays = new ChildProcess(() ->
                {
                    writer.send("b");
                    orders.recv();
                    writer.close();
                    orders.send("closed");
                    Thread.sleep(60_000);
                }).daemon(true).start();
                // Python's idiom: the parent lets go of the copy it handed over. The children's copies, still on
                // their way, count as the parent's until they attach.
                writer.close();

                final Set<Object> received = new HashSet<>(List.of(reader.recv(), reader.recv()));
                assertEquals(Set.of("a", "b"), received);
                exits.join();
                // One child exited without closing its copy; the other still holds one.
                assertFalse(reader.poll(Duration.ofMillis(500)));

                control.first().send("close now");
                assertEquals("closed", control.first().recv());
                assertTrue(reader.poll(Duration.ofSeconds(10)));
                assertThrows(EndOfStreamException.class, reader::recv);
                assertTrue(stays.isAlive(), "the stream ended by the last close, not by a death");
                stays.kill();
                stays.join();
            }
        });
    }

    /**
     * Many JVMs claim entries in the holder table, count and drop their copies at once: a lost update would
     * end the stream early (messages missing) or never (the wait times out).
     */
    @Test
    void shouldEndTheStreamAfterTheLastMessageWhenManyChildrenAttachAndCloseAtOnce()
    {
        final int children = 6;
        final int messagesEach = 300;
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            // As in Python, one process at a time may send on an end: the sends take turns under a lock, while
            // the copies attach, close and go with their processes all at once.
            try (Pipe pipe = Pipe.open(false); SharedLock turn = SharedLock.create())
            {
                final Connection reader = pipe.first();
                final Connection writer = pipe.second();
                final List<ChildProcess> started = new ArrayList<>();
                for (int c = 0; c < children; c++)
                {
                    final int id = c;
                    started.add(new ChildProcess(() ->
                    {
                        turn.lock();
                        try
                        {
                            for (int i = 0; i < messagesEach; i++)
                            {
                                writer.send(id * messagesEach + i);
                            }
                        }
                        finally
                        {
                            turn.unlock();
                        }
                        if (id % 2 == 0)
                        {
                            writer.close(); // the others just exit with their copy open
                        }
                    }).start());
                }
                writer.close();

                final BitSet seen = new BitSet();
                int received = 0;
                while (true)
                {
                    final int value;
                    try
                    {
                        value = (Integer)reader.recv();
                    }
                    catch (final EndOfStreamException ex)
                    {
                        break;
                    }
                    assertFalse(seen.get(value), "value=" + value);
                    seen.set(value);
                    received++;
                }
                assertEquals(children * messagesEach, received, "end of stream came before every message");
                for (final ChildProcess child : started)
                {
                    child.join();
                    assertEquals(0, child.exitCode().orElseThrow());
                }
            }
        });
    }

    @Test
    void shouldCarrySixteenMebibyteMessagesBothWaysAtDefaultSettingsWhenTheWriterExitsFirst()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open())
            {
                final Connection parent = pipe.first();
                final Connection child = pipe.second();
                final ChildProcess echo = new ChildProcess(() ->
                {
                    final byte[] asObject = (byte[])child.recv();
                    final byte[] asBytes = child.recvBytes();
                    for (int i = 0; i < LARGE; i++)
                    {
                        if (asObject[i] != PipeTest.patternAt(i) || asBytes[i] != PipeTest.patternAt(i))
                        {
                            throw new IllegalStateException("large messages arrived damaged: index=" + i);
                        }
                    }
                    child.send(asObject);
                    child.sendBytes(asBytes);
                    child.send("small after large");
                }).start();
                child.close();

                final byte[] large = pattern(LARGE);
                parent.send(large);
                parent.sendBytes(large);
                // The writer is gone before the reader reads: the messages live in spill files, not in it.
                echo.join();
                assertEquals(0, echo.exitCode().orElseThrow());
                assertArrayEquals(large, (byte[])parent.recv());
                assertArrayEquals(large, parent.recvBytes());
                assertEquals("small after large", parent.recv());
                assertThrows(EndOfStreamException.class, parent::recv);
                assertEquals(List.of(), spillFiles(parent), "spill files left after every message was read");
            }
        });
    }
}
