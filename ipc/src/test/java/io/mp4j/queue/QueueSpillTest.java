package io.mp4j.queue;

import io.mp4j.internal.channel.SpillFile;
import io.mp4j.process.ChildProcess;
import io.mp4j.session.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages too large for a slot, carried through spill files of the session. */
class QueueSpillTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(180);
    private static final int SIXTEEN_MIB = 16 << 20;

    private List<String> earlierSpillFiles;

    @BeforeEach
    void noteSpillFilesOfEarlierTests() throws IOException
    {
        earlierSpillFiles = allSpillFiles();
    }

    @Test
    void shouldCarryA16MiBMessageFromAChildThatExitsBeforeAnyoneReads()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<Object> queue = SharedQueue.create())
            {
                final ChildProcess producer = new ChildProcess(() ->
                {
                    queue.put(randomBytes(1, SIXTEEN_MIB));                    // a direct value
                    queue.put(new Blob("serialized", randomBytes(2, SIXTEEN_MIB))); // Java serialization
                    queue.put("small, after them");
                }).start();
                producer.join(); // nobody has read anything yet
                assertEquals(0, producer.exitCode().orElseThrow(), producer.toString());
                assertEquals(3, queue.size());
                assertEquals(2, spillFiles().size(), "one file per large message");

                assertArrayEquals(randomBytes(1, SIXTEEN_MIB), (byte[])queue.take());
                final Blob blob = (Blob)queue.take();
                assertEquals("serialized", blob.label());
                assertArrayEquals(randomBytes(2, SIXTEEN_MIB), blob.data());
                assertEquals("small, after them", queue.take());
                assertEquals(List.of(), spillFiles(), "a taken message's file is deleted");
            }
        });
    }

    @Test
    void shouldLeaveASpilledMessageWholeWhenItsConsumerIsKilledMidTake()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<Object> queue = SharedQueue.create())
            {
                final String inside = Session.current().directory().resolve("test-consumer-decoding").toString();
                queue.put(new Stall(randomBytes(3, 4 << 20)));
                assertEquals(1, spillFiles().size());

                // The consumer has read the spill file and is decoding it when it is SIGKILLed.
                final ChildProcess consumer = new ChildProcess(() ->
                {
                    Stall.signalAndBlock = inside;
                    queue.take();
                }).start();
                while (!Files.exists(Path.of(inside)))
                {
                    assertTrue(consumer.isAlive(), consumer.toString());
                    Thread.sleep(5);
                }
                consumer.kill();
                consumer.join();
                Files.delete(Path.of(inside));

                final Stall recovered = (Stall)queue.poll(30, TimeUnit.SECONDS);
                assertArrayEquals(randomBytes(3, 4 << 20), recovered.data, "the dead consumer's message, whole");
                assertNull(queue.poll(300, TimeUnit.MILLISECONDS));
                assertEquals(List.of(), spillFiles());
            }
        });
    }

    @Test
    void shouldSpillThroughEveryFlavourAndPeekWithoutTaking() throws Exception
    {
        try (SharedQueue<Object> queue = SharedQueue.create(new QueueContext().capacity(2).maxMessageLength(64));
            JoinableQueue<Object> joinable = JoinableQueue.create();
            SimpleQueue<Object> simple = SimpleQueue.create())
        {
            final long[] large = new long[1000];
            Arrays.fill(large, 7);
            queue.put(large);
            assertArrayEquals(large, (long[])queue.peek());
            assertArrayEquals(large, (long[])queue.peek(), "peek leaves the file in place");
            assertEquals(1, spillFiles().size());
            assertArrayEquals(large, (long[])queue.take());

            joinable.put(large);
            assertArrayEquals(large, (long[])joinable.take());
            joinable.taskDone();
            joinable.join(Duration.ofSeconds(10));

            simple.put(large);
            assertArrayEquals(large, (long[])simple.get(Duration.ofSeconds(10)));
            assertEquals(List.of(), spillFiles());
        }
    }

    @Test
    void shouldDeleteTheSpillFileOfAPutThatFoundNoRoom() throws Exception
    {
        try (SharedQueue<Object> queue = SharedQueue.create(1))
        {
            queue.put("the only one");
            assertFalse(queue.offer(new byte[10_000]));
            assertFalse(queue.offer(new byte[10_000], 50, TimeUnit.MILLISECONDS));
            assertEquals(List.of(), spillFiles());
            assertEquals("the only one", queue.take());
            assertTrue(queue.offer(new byte[10_000]));
            assertEquals(10_000, ((byte[])queue.take()).length);
            assertEquals(List.of(), spillFiles());
        }
    }

    /** The spill files this test made and has not deleted (a failed test may leave its own). */
    private List<String> spillFiles() throws IOException
    {
        final List<String> files = allSpillFiles();
        files.removeAll(earlierSpillFiles);
        return files;
    }

    private static List<String> allSpillFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(Session.current().directory()))
        {
            return files.map(file -> file.getFileName().toString())
                .filter(name -> name.startsWith(SpillFile.PREFIX + '-'))
                .collect(Collectors.toCollection(ArrayList::new));
        }
    }

    private static byte[] randomBytes(final long seed, final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A message that goes through Java serialization. */
    record Blob(String label, byte[] data) implements Serializable
    {
    }

    /** A message whose decoding, in a JVM that asks for it, says so in a file and then never ends. */
    static final class Stall implements Serializable
    {
        @Serial
        private static final long serialVersionUID = 1L;

        static volatile String signalAndBlock;

        final byte[] data;

        Stall(final byte[] data)
        {
            this.data = data;
        }

        @Serial
        private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException
        {
            in.defaultReadObject();
            final String signal = signalAndBlock;
            if (signal != null)
            {
                Files.createFile(Path.of(signal));
                while (true)
                {
                    try
                    {
                        Thread.sleep(60_000);
                    }
                    catch (final InterruptedException ex)
                    {
                        // keep blocking until killed
                    }
                }
            }
        }
    }
}
