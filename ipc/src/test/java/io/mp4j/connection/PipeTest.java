package io.mp4j.connection;

import io.mp4j.BrokenPipeException;
import io.mp4j.BufferTooShortException;
import io.mp4j.EncodingException;
import io.mp4j.EndOfStreamException;
import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.channel.SpillFile;
import io.mp4j.process.ChildProcess;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipeTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(60);

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldCarryObjectsAndBytesBothWays(final WaitStrategy strategy)
    {
        try (Pipe pipe = Pipe.open(new Pipe.Context().waitStrategy(strategy)))
        {
            final Connection a = pipe.first();
            final Connection b = pipe.second();
            a.send("hello");
            a.send(List.of(1, 2, 3));
            a.send(null);
            a.sendBytes(new byte[] {9, 8, 7});
            assertEquals("hello", b.recv());
            assertEquals(List.of(1, 2, 3), b.recv());
            assertEquals(null, b.recv());
            assertArrayEquals(new byte[] {9, 8, 7}, b.recvBytes());

            b.send(42L);
            assertTrue(a.poll(Duration.ofSeconds(1)));
            assertEquals(42L, a.recv());
            assertFalse(a.poll());
        }
    }

    /**
     * A small ring wraps every few messages, leaving padding at its end. A reader that read only the padding
     * after announcing its sleep used to sleep through the message at the ring's start until its 100 ms
     * check: each receive here comes after the reader has gone to sleep, and none may end on a timed wake.
     */
    @Test
    void shouldNotSleepThroughAMessageBehindTheRingsPadding()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open(new Pipe.Context().capacity(1024).waitStrategy(WaitStrategy.LOW_CPU)))
            {
                final Connection reader = pipe.first();
                final Connection writer = pipe.second();
                final int messages = 60;
                final long lateBefore = Waiter.quietWakeSuccesses();
                final Thread sender = new Thread(() ->
                {
                    for (int i = 0; i < messages; i++)
                    {
                        // Nothing else is sent until the reader acknowledges: a missed ring is not covered.
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                        writer.sendBytes(new byte[100 + i % 7]);
                        writer.recv();
                    }
                });
                sender.start();
                for (int i = 0; i < messages; i++)
                {
                    assertEquals(100 + i % 7, reader.recvBytes().length);
                    reader.send(i);
                }
                sender.join();
                assertEquals(0, Waiter.quietWakeSuccesses() - lateBefore, "receives that waited for a timed check");
            }
        });
    }

    @Test
    void shouldPingPongWithAChildJvmAndCheckEveryReply()
    {
        final int roundTrips = 100_000;
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open())
            {
                final Connection parent = pipe.first();
                final Connection child = pipe.second();
                final ChildProcess echo = new ChildProcess(() ->
                {
                    while (true)
                    {
                        final Object message = child.recv();
                        if (message instanceof Long value)
                        {
                            child.send(value * 3 + 1);
                        }
                        else
                        {
                            child.send("bye " + message);
                            return;
                        }
                    }
                }).start();

                for (long i = 0; i < roundTrips; i++)
                {
                    parent.send(i);
                    assertEquals(i * 3 + 1, parent.recv());
                }
                parent.send("done");
                assertEquals("bye done", parent.recv());
                echo.join();
                assertEquals(0, echo.exitCode().orElseThrow());
            }
        });
    }

    @Test
    void shouldDeliverWhatWasSentThenEndOfStreamWhenPeerCloses()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open())
            {
                final Connection parent = pipe.first();
                final Connection child = pipe.second();
                final ChildProcess sender = new ChildProcess(() ->
                {
                    for (int i = 0; i < 3; i++)
                    {
                        child.send("message " + i);
                    }
                    child.close();
                    Thread.sleep(30_000); // still alive: the close alone must end the stream
                }).daemon(true).start();
                // Python's idiom: the parent lets go of the end it handed over; that must not end the stream.
                child.close();

                for (int i = 0; i < 3; i++)
                {
                    assertEquals("message " + i, parent.recv());
                }
                // Python: poll() is true at end of stream, since recv() would not block; recv() then raises EOFError.
                // The child closes after its last send: wait for that, then poll() alone says so at once.
                assertTrue(parent.poll(Duration.ofSeconds(5)));
                assertTrue(parent.poll());
                assertThrows(EndOfStreamException.class, parent::recv);
                assertTrue(parent.poll());
                assertThrows(EndOfStreamException.class, parent::recv);
                assertThrows(BrokenPipeException.class, () -> parent.send("anyone?"));
                sender.kill();
                sender.join();
            }
        });
    }

    @Test
    void shouldReportEndOfStreamInsteadOfWaitingWhenPeerProcessIsKilled()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (Pipe pipe = Pipe.open())
            {
                final Connection parent = pipe.first();
                final Connection child = pipe.second();
                final ChildProcess holder = new ChildProcess(() ->
                {
                    child.send("attached");
                    Thread.sleep(60_000);
                }).start();
                // The child's copy is then the only one: its death alone ends the stream.
                child.close();

                assertEquals("attached", parent.recv());
                holder.kill();
                holder.join();
                final long start = System.nanoTime();
                assertThrows(EndOfStreamException.class, () -> parent.recv(Duration.ofSeconds(30)));
                final long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
                // Liveness is checked every 100 ms while waiting; the bound is generous for a loaded machine.
                System.out.println("end of stream after peer SIGKILL: elapsedMillis=" + elapsedMillis);
                assertTrue(elapsedMillis < 10_000, "elapsedMillis=" + elapsedMillis);
                assertTrue(parent.poll(Duration.ofSeconds(30)));
                assertThrows(EndOfStreamException.class, parent::recv);
            }
        });
    }

    @Test
    void shouldCarryMessagesLongerThanTheRingThroughSpillFiles()
    {
        try (Pipe pipe = Pipe.open(new Pipe.Context().capacity(4096)))
        {
            final Connection a = pipe.first();
            final Connection b = pipe.second();
            assertEquals(512, a.maxMessageLength());
            final byte[] large = pattern(513);
            a.sendBytes(large);
            a.send("x".repeat(600));
            assertTrue(a.offer(List.of("y".repeat(700))));
            a.sendBytes(new byte[512]);
            a.send("still fine");
            assertArrayEquals(large, b.recvBytes());
            assertEquals("x".repeat(600), b.recv());
            assertEquals(List.of("y".repeat(700)), b.recv());
            assertEquals(512, b.recvBytes().length);
            assertEquals("still fine", b.recv());
            assertFalse(b.poll());
            assertEquals(List.of(), spillFiles(a), "spill files left after every message was read");
        }
    }

    @Test
    void shouldRefuseAMessageLongerThanMaxLengthAndCloseTheEnd()
    {
        try (Pipe pipe = Pipe.open(new Pipe.Context().capacity(4096)))
        {
            final Connection a = pipe.first();
            final Connection b = pipe.second();
            a.sendBytes(new byte[10]);
            a.sendBytes(new byte[11]);
            a.sendBytes(pattern(5000));
            assertEquals(10, b.recvBytes(10).length);
            final Mp4jException tooLong = assertThrows(Mp4jException.class, () -> b.recvBytes(10));
            assertTrue(tooLong.getMessage().contains("bad message length") &&
                tooLong.getMessage().contains("length=11 maxLength=10"), tooLong.getMessage());
            assertTrue(b.isClosed());
            assertThrows(IllegalStateException.class, b::recvBytes);
            assertThrows(IllegalArgumentException.class, () -> a.recvBytes(-1));
            assertEquals(List.of(), spillFiles(a), "the last copy of the reading end took its unread spill along");
        }
    }

    @Test
    void shouldRefuseASpilledMessageLongerThanMaxLength()
    {
        try (Pipe pipe = Pipe.open(new Pipe.Context().capacity(4096)))
        {
            pipe.first().sendBytes(pattern(5000));
            final Mp4jException tooLong = assertThrows(Mp4jException.class, () -> pipe.second().recvBytes(4999));
            assertTrue(tooLong.getMessage().contains("length=5000 maxLength=4999"), tooLong.getMessage());
            assertTrue(pipe.second().isClosed());
            assertEquals(List.of(), spillFiles(pipe.first()));
        }
    }

    @Test
    void shouldRefuseNonSerializableObjectsNamingTheClass()
    {
        try (Pipe pipe = Pipe.open())
        {
            final EncodingException ex =
                assertThrows(EncodingException.class, () -> pipe.first().send(new Object()));
            assertTrue(ex.getMessage().contains("java.lang.Object"), ex.getMessage());
            pipe.first().send("next");
            assertEquals("next", pipe.second().recv());
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldTimeOutNoEarlierThanTheDeadline(final WaitStrategy strategy)
    {
        try (Pipe pipe = Pipe.open(new Pipe.Context().waitStrategy(strategy)))
        {
            final Duration timeout = Duration.ofMillis(150);
            long start = System.nanoTime();
            assertThrows(Mp4jTimeoutException.class, () -> pipe.first().recv(timeout));
            assertTrue(System.nanoTime() - start >= timeout.toNanos());

            start = System.nanoTime();
            assertFalse(pipe.first().poll(timeout));
            assertTrue(System.nanoTime() - start >= timeout.toNanos());
        }
    }

    @Test
    void shouldConsumeAMessageThatDoesNotFitTheCallersBufferAndCarryItInTheException()
    {
        try (Pipe pipe = Pipe.open(new Pipe.Context().capacity(4096)))
        {
            pipe.first().sendBytes(new byte[] {1, 2, 3, 4, 5, 6});
            pipe.first().sendBytes(new byte[] {7, 8});
            final UnsafeBuffer small = new UnsafeBuffer(new byte[4]);
            final BufferTooShortException ex =
                assertThrows(BufferTooShortException.class, () -> pipe.second().recvBytes(small, 0));
            assertEquals(6, ex.messageLength());
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, ex.messageBytes());
            // As Python's BufferTooShort, the message is gone from the pipe: the next receive gets the next one.
            assertEquals(2, pipe.second().recvBytes(small, 0));
            assertEquals(8, small.getByte(1));

            final byte[] spilled = pattern(3000);
            pipe.first().sendBytes(spilled);
            final BufferTooShortException spilledEx =
                assertThrows(BufferTooShortException.class, () -> pipe.second().recvBytes(small, 0));
            assertArrayEquals(spilled, spilledEx.messageBytes());

            pipe.first().sendBytes(new byte[] {1, 2, 3, 4, 5, 6});
            final UnsafeBuffer large = new UnsafeBuffer(new byte[16]);
            assertEquals(6, pipe.second().recvBytes(large, 10));
            assertEquals(6, large.getByte(15));

            pipe.first().send("grow");
            final ExpandableArrayBuffer expandable = new ExpandableArrayBuffer(1);
            assertEquals(5, pipe.second().recvBytes(expandable, 0));
            assertFalse(pipe.second().poll());
        }
    }

    @Test
    void shouldSendOneWayOnly()
    {
        try (Pipe pipe = Pipe.open(false))
        {
            final Connection reader = pipe.first();
            final Connection writer = pipe.second();
            assertTrue(reader.isReadable());
            assertFalse(reader.isWritable());
            assertFalse(writer.isReadable());
            writer.send(7);
            assertEquals(7, reader.recv());
            assertThrows(IllegalStateException.class, () -> reader.send(1));
            assertThrows(IllegalStateException.class, writer::recv);
        }
    }

    @Test
    void shouldAttachAPipeOncePerJvmWhenAHandleArrivesTwice() throws Exception
    {
        try (Pipe pipe = Pipe.open())
        {
            final Connection copy = (Connection)roundTrip(pipe.second());
            assertSame(pipe.second(), copy);
            pipe.second().send("same end");
            assertEquals("same end", pipe.first().recv());
        }
    }

    @Test
    void shouldFailToUseAClosedEnd()
    {
        final Pipe pipe = Pipe.open();
        pipe.close();
        assertThrows(IllegalStateException.class, () -> pipe.first().send(1));
        assertThrows(IllegalStateException.class, pipe.second()::recv);
        pipe.close();
    }

    static byte[] pattern(final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = patternAt(i);
        }
        return bytes;
    }

    static byte patternAt(final int index)
    {
        return (byte)(index * 31 + (index >>> 11));
    }

    /** The spill files in the session of a pipe's end. */
    static List<String> spillFiles(final Connection end)
    {
        try (Stream<Path> files = Files.list(end.session().directory()))
        {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(SpillFile.PREFIX)).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Object roundTrip(final Object value) throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())))
        {
            return in.readObject();
        }
    }
}
