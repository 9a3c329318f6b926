package io.mp4j.queue;

import io.mp4j.EncodingException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.process.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedQueueTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(180);
    private static final long STOP = -1L;

    @Test
    void shouldDeliverEveryMessageExactlyOnceFromFourProducerJvmsToTwoConsumerJvms()
    {
        final int producers = 4;
        final int consumers = 2;
        final int perProducer = Integer.getInteger("mp4j.test.queueMessagesPerProducer", 250_000);
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<Long> queue = SharedQueue.create(4096);
                SharedQueue<long[]> results = SharedQueue.create(new QueueContext().capacity(16).maxMessageLength(64 * 1024)))
            {
                final List<ChildProcess> consumerJvms = new ArrayList<>();
                for (int c = 0; c < consumers; c++)
                {
                    consumerJvms.add(new ChildProcess(() -> consume(queue, results, producers, perProducer)).start());
                }
                final List<ChildProcess> producerJvms = new ArrayList<>();
                for (int p = 0; p < producers; p++)
                {
                    final long producer = p;
                    producerJvms.add(new ChildProcess(() ->
                    {
                        for (int i = 0; i < perProducer; i++)
                        {
                            queue.put((producer << 32) | i);
                        }
                    }).start());
                }
                for (final ChildProcess producer : producerJvms)
                {
                    producer.join();
                    assertEquals(0, producer.exitCode().orElseThrow(), producer.toString());
                }
                for (int c = 0; c < consumers; c++)
                {
                    queue.put(STOP);
                }

                final BitSet[] seen = new BitSet[producers];
                for (int p = 0; p < producers; p++)
                {
                    seen[p] = new BitSet(perProducer);
                }
                long total = 0;
                long duplicates = 0;
                for (int r = 0; r < consumers * producers; r++)
                {
                    final long[] report = results.take();
                    final BitSet bits = BitSet.valueOf(java.util.Arrays.copyOfRange(report, 2, report.length));
                    duplicates += report[1];
                    total += bits.cardinality();
                    assertFalse(seen[(int)report[0]].intersects(bits), "a message went to both consumers");
                    seen[(int)report[0]].or(bits);
                }
                for (final ChildProcess consumer : consumerJvms)
                {
                    consumer.join();
                    assertEquals(0, consumer.exitCode().orElseThrow(), consumer.toString());
                }
                assertEquals(0, duplicates);
                assertEquals((long)producers * perProducer, total);
                for (int p = 0; p < producers; p++)
                {
                    assertEquals(perProducer, seen[p].cardinality());
                    assertEquals(perProducer, seen[p].nextClearBit(0));
                }
                assertTrue(queue.isEmpty());
            }
        });
    }

    private static void consume(
        final SharedQueue<Long> queue, final SharedQueue<long[]> results, final int producers, final int perProducer)
        throws InterruptedException
    {
        final BitSet[] seen = new BitSet[producers];
        final long[] duplicates = new long[producers];
        for (int p = 0; p < producers; p++)
        {
            seen[p] = new BitSet(perProducer);
        }
        while (true)
        {
            final long value = queue.take();
            if (value == STOP)
            {
                break;
            }
            final int producer = (int)(value >>> 32);
            final int index = (int)value;
            if (seen[producer].get(index))
            {
                duplicates[producer]++;
            }
            seen[producer].set(index);
        }
        for (int p = 0; p < producers; p++)
        {
            final long[] words = seen[p].toLongArray();
            final long[] report = new long[words.length + 2];
            report[0] = p;
            report[1] = duplicates[p];
            System.arraycopy(words, 0, report, 2, words.length);
            results.put(report);
        }
    }

    @Test
    void shouldNeverDeliverATornMessageWhenAProducerIsKilledMidStream()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<long[]> queue = SharedQueue.create(new QueueContext().capacity(256).maxMessageLength(1024)))
            {
                final ChildProcess producer = new ChildProcess(() ->
                {
                    for (long i = 0; ; i++)
                    {
                        final long[] message = new long[100];
                        java.util.Arrays.fill(message, i);
                        queue.put(message);
                    }
                }).start();

                long expected = 0;
                while (expected < 20_000)
                {
                    assertWhole(queue.take(), expected++);
                }
                producer.kill();
                producer.join();

                long[] message;
                while ((message = queue.poll(1, TimeUnit.SECONDS)) != null)
                {
                    assertWhole(message, expected++);
                }
                // Whatever the producer held when it died was given up, not left to block the queue.
                queue.put(new long[] {-5});
                assertEquals(-5, queue.poll(5, TimeUnit.SECONDS)[0]);
                assertTrue(queue.isEmpty());
            }
        });
    }

    @Test
    void shouldHandAMessageToAnotherConsumerWhenItsConsumerDiesMidTake()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<String> queue = SharedQueue.create(8))
            {
                queue.put("first");
                queue.put("second");
                final String file = queue.engine.regionFile().toString();
                claimAPositionAndDieInAChild(file, false); // as take() does, then dies before reading it

                assertEquals("second", queue.take());
                assertEquals("first", queue.poll(10, TimeUnit.SECONDS), "the dead consumer's message");
                assertNull(queue.poll(300, TimeUnit.MILLISECONDS));
            }
        });
    }

    @Test
    void shouldSkipThePositionOfAProducerThatDiesMidPut()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (JoinableQueue<String> queue = JoinableQueue.create())
            {
                final String file = queue.engine.regionFile().toString();
                claimAPositionAndDieInAChild(file, true);

                queue.put("after");
                assertEquals("after", queue.poll(10, TimeUnit.SECONDS));
                queue.taskDone();
                queue.join(Duration.ofSeconds(10)); // the dead producer's position does not count
                assertTrue(queue.isEmpty());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 6})
    void shouldHoldExactlyMaxsizeMessagesPutByAChild(final int maxsize)
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<Integer> queue = SharedQueue.create(maxsize);
                SimpleQueue<String> report = SimpleQueue.create())
            {
                assertEquals(maxsize, queue.capacity());
                final ChildProcess producer = new ChildProcess(() ->
                {
                    for (int i = 0; i < maxsize; i++)
                    {
                        queue.put(i);
                    }
                    report.put("full=" + queue.isFull() + " remaining=" + queue.remainingCapacity() +
                        " offer=" + queue.offer(-1) + " timedOffer=" + queue.offer(-1, 100, TimeUnit.MILLISECONDS));
                    queue.put(maxsize); // waits for room
                }).start();
                assertEquals("full=true remaining=0 offer=false timedOffer=false", report.get(Duration.ofSeconds(60)));

                assertFalse(producer.join(Duration.ofMillis(300)), "the put beyond maxsize must wait");
                assertEquals(maxsize, queue.size());
                assertTrue(queue.isFull());
                assertEquals(0, queue.remainingCapacity());

                assertEquals(0, queue.take());
                producer.join();
                assertEquals(0, producer.exitCode().orElseThrow(), producer.toString());
                assertEquals(maxsize, queue.size());
                for (int i = 1; i <= maxsize; i++)
                {
                    assertEquals(i, queue.take());
                }
                assertTrue(queue.isEmpty());
            }
        });
    }

    @Test
    void shouldNeverHoldMoreThanMaxsizeWhileProducersInThreeJvmsRace()
    {
        final int producers = 3;
        final int perProducer = 20_000;
        final int maxsize = 5; // eight slots underneath
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<Long> queue = SharedQueue.create(maxsize))
            {
                final List<ChildProcess> producerJvms = new ArrayList<>();
                for (int p = 0; p < producers; p++)
                {
                    final long producer = p;
                    producerJvms.add(new ChildProcess(() ->
                    {
                        for (int i = 0; i < perProducer; i++)
                        {
                            final long message = (producer << 32) | i;
                            if ((i & 1) == 0)
                            {
                                queue.put(message);
                            }
                            else
                            {
                                while (!queue.offer(message))
                                {
                                    Thread.onSpinWait();
                                }
                            }
                        }
                    }).start());
                }

                final AtomicInteger largest = new AtomicInteger();
                final AtomicBoolean consuming = new AtomicBoolean(true);
                final Thread observer = new Thread(() ->
                {
                    while (consuming.get())
                    {
                        largest.accumulateAndGet(queue.size(), Math::max);
                        largest.accumulateAndGet(queue.capacity() - queue.remainingCapacity(), Math::max);
                    }
                });
                observer.start();
                while (!queue.isFull())
                {
                    Thread.sleep(1); // let the producers fill it before anyone takes
                }
                largest.accumulateAndGet(queue.size(), Math::max);

                final BitSet[] seen = new BitSet[producers];
                for (int p = 0; p < producers; p++)
                {
                    seen[p] = new BitSet(perProducer);
                }
                for (long taken = 0; taken < (long)producers * perProducer; taken++)
                {
                    final long message = queue.take();
                    final BitSet bits = seen[(int)(message >>> 32)];
                    assertFalse(bits.get((int)message), "duplicate message=" + message);
                    bits.set((int)message);
                }
                consuming.set(false);
                observer.join();
                for (final ChildProcess producer : producerJvms)
                {
                    producer.join();
                    assertEquals(0, producer.exitCode().orElseThrow(), producer.toString());
                }
                assertEquals(maxsize, largest.get(), "the most messages held at once");
                assertTrue(queue.isEmpty());
            }
        });
    }

    @Test
    void shouldGiveBackTheRoomAProducerHeldWhenItDiesMidPut()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<String> queue = SharedQueue.create(3))
            {
                final String file = queue.engine.regionFile().toString();
                claimAPositionAndDieInAChild(file, true);

                queue.put("a");
                queue.put("b");
                assertTrue(queue.isFull(), "the dead producer's position counts until a consumer skips it");
                assertEquals("a", queue.poll(10, TimeUnit.SECONDS));
                assertTrue(queue.offer("c"));
                assertTrue(queue.offer("d"));
                assertTrue(queue.isFull());
                assertFalse(queue.offer("e"));
                assertEquals(List.of("b", "c", "d"), List.of(queue.take(), queue.take(), queue.take()));
                for (int lap = 0; lap < 3; lap++)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        assertTrue(queue.offer("lap" + lap + "-" + i), "room for all three again");
                    }
                    assertFalse(queue.offer("overflow"));
                    for (int i = 0; i < 3; i++)
                    {
                        assertEquals("lap" + lap + "-" + i, queue.take());
                    }
                }
            }
        });
    }

    @Test
    void shouldDescribeItselfAsAPythonReprWould() throws Exception
    {
        final SharedQueue<String> queue = SharedQueue.create(6);
        try (JoinableQueue<String> joinable = JoinableQueue.create();
            SimpleQueue<String> simple = SimpleQueue.create(new QueueContext().capacity(3)))
        {
            queue.put("a");
            queue.put("b");
            final String name = queue.engine.regionFile().getFileName().toString()
                .replace(io.mp4j.internal.region.Region.FILE_SUFFIX, "");
            assertEquals("SharedQueue{queue=" + name + " size=2 maxsize=6}", queue.toString());

            joinable.put("x");
            joinable.put("y");
            joinable.take();
            assertTrue(joinable.toString().matches(
                "JoinableQueue\\{queue=queue-\\d+-\\d+ size=1 maxsize=1024 unfinished=2}"), joinable.toString());

            simple.put("s");
            assertTrue(simple.toString().matches("SimpleQueue\\{queue=queue-\\d+-\\d+ size=1 maxsize=3}"),
                simple.toString());

        }
        finally
        {
            queue.close();
        }
        assertTrue(queue.toString().matches("SharedQueue\\{queue=queue-\\d+-\\d+ maxsize=6 closed}"),
            queue.toString());
    }

    private static void assertWhole(final long[] message, final long expected)
    {
        assertEquals(100, message.length);
        for (final long value : message)
        {
            assertEquals(expected, value);
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldFollowTheBlockingQueueContract(final WaitStrategy strategy) throws Exception
    {
        try (SharedQueue<String> queue = SharedQueue.create(new QueueContext().capacity(3).waitStrategy(strategy)))
        {
            assertEquals(3, queue.capacity());
            assertTrue(queue.isEmpty());
            assertFalse(queue.isFull());
            assertNull(queue.poll());
            assertNull(queue.peek());
            for (int i = 0; i < 3; i++)
            {
                assertEquals(3 - i, queue.remainingCapacity());
                assertTrue(queue.offer("m" + i));
            }
            assertTrue(queue.isFull());
            assertFalse(queue.offer("overflow"));
            assertFalse(queue.offer("overflow", 50, TimeUnit.MILLISECONDS));
            assertEquals(3, queue.size());
            assertEquals(0, queue.remainingCapacity());
            assertEquals("m0", queue.peek());
            assertEquals("m0", queue.take());
            assertFalse(queue.isFull());
            assertEquals(1, queue.remainingCapacity());
            assertEquals("m1", queue.poll(1, TimeUnit.SECONDS));
            assertTrue(queue.offer("m3"));
            final List<String> drained = new ArrayList<>();
            assertEquals(1, queue.drainTo(drained, 1));
            assertEquals(1, queue.drainTo(drained));
            assertEquals(List.of("m2", "m3"), drained);
            assertThrows(NullPointerException.class, () -> queue.put(null));
            assertThrows(UnsupportedOperationException.class, queue::iterator);
            assertTrue(queue.add("a"));
            assertEquals("a", queue.remove());
            assertThrows(java.util.NoSuchElementException.class, queue::remove);
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategy.class)
    void shouldTimeOutNoEarlierThanTheDeadline(final WaitStrategy strategy) throws Exception
    {
        try (SharedQueue<Integer> queue = SharedQueue.create(new QueueContext().capacity(1).waitStrategy(strategy)))
        {
            long start = System.nanoTime();
            assertNull(queue.poll(120, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(120));

            queue.put(1);
            start = System.nanoTime();
            assertFalse(queue.offer(2, 120, TimeUnit.MILLISECONDS));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(120));
        }
    }

    @Test
    void shouldWakeABlockedPutWhenRoomAppearsAndAnswerInterrupts()
    {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        {
            try (SharedQueue<Integer> queue = SharedQueue.create(2))
            {
                queue.put(1);
                queue.put(2);
                final Thread producer = new Thread(() ->
                {
                    try
                    {
                        queue.put(3);
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                });
                producer.start();
                Thread.sleep(50);
                assertEquals(1, queue.take());
                producer.join();
                assertEquals(2, queue.take());
                assertEquals(3, queue.take());

                final Thread waiting = Thread.currentThread();
                final Thread interrupter = new Thread(() ->
                {
                    try
                    {
                        Thread.sleep(100);
                    }
                    catch (final InterruptedException ignored)
                    {
                        // ends early; the take is interrupted all the same
                    }
                    waiting.interrupt();
                });
                interrupter.start();
                assertThrows(InterruptedException.class, queue::take);
                interrupter.join();
            }
        });
    }

    @Test
    void shouldRefuseNonSerializableMessagesAndKeepWorking() throws Exception
    {
        try (SharedQueue<Object> queue = SharedQueue.create(new QueueContext().capacity(4).maxMessageLength(90)))
        {
            assertEquals(96, queue.maxMessageLength(), "rounded up to whole cache lines per slot");
            final EncodingException notSerializable =
                assertThrows(EncodingException.class, () -> queue.put(List.of(new Object())));
            assertTrue(notSerializable.getMessage().contains("java.lang.Object"), notSerializable.getMessage());
            queue.put(new byte[95]);
            queue.put("fine");
            assertEquals(95, ((byte[])queue.take()).length);
            assertEquals("fine", queue.take());
            assertTrue(queue.isEmpty());
        }
    }

    @Test
    void shouldCarryMessagesOfEveryLengthFromAChildInSlotsBlocksAndSpillFiles()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<String> queue = SharedQueue.create(new QueueContext().capacity(4).maxMessageLength(64)))
            {
                final int longest = queue.maxMessageLength() + 40;
                final ChildProcess producer = new ChildProcess(() ->
                {
                    for (int length = 0; length <= longest; length++)
                    {
                        queue.put(message(length));
                    }
                }).start();
                for (int length = 0; length <= longest; length++)
                {
                    assertEquals(message(length), queue.poll(60, TimeUnit.SECONDS), "length=" + length);
                }
                producer.join();
                assertEquals(0, producer.exitCode().orElseThrow());
                assertNull(queue.poll());
            }
        });
    }

    /** A message of the given length whose characters differ with the length, so that a mix-up shows. */
    private static String message(final int length)
    {
        final StringBuilder message = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            message.append((char)('a' + (length + i) % 26));
        }
        return message.toString();
    }

    @Test
    void shouldLetAProducerExitBeforeAnyoneReads()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SharedQueue<long[]> queue = SharedQueue.create(new QueueContext().capacity(64).maxMessageLength(9000)))
            {
                final ChildProcess producer = new ChildProcess(() ->
                {
                    for (int i = 0; i < 60; i++)
                    {
                        final long[] block = new long[1000];
                        java.util.Arrays.fill(block, i);
                        queue.put(block);
                    }
                }).start();
                producer.join(); // nobody has read anything yet
                assertEquals(0, producer.exitCode().orElseThrow());
                assertEquals(60, queue.size());
                for (int i = 0; i < 60; i++)
                {
                    final long[] block = queue.take();
                    assertEquals(1000, block.length);
                    assertEquals(i, block[999]);
                }
            }
        });
    }

    @Test
    void shouldJoinOnceEveryTaskIsDoneInAnotherProcess()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (JoinableQueue<String> queue = JoinableQueue.create();
                SimpleQueue<String> done = SimpleQueue.create())
            {
                for (int i = 0; i < 10; i++)
                {
                    queue.put("task " + i);
                }
                assertEquals(10, queue.unfinishedTasks());
                assertThrows(Mp4jTimeoutException.class, () -> queue.join(Duration.ofMillis(50)));
                final ChildProcess worker = new ChildProcess(() ->
                {
                    for (int i = 0; i < 10; i++)
                    {
                        final String task = queue.take();
                        done.put(task + " done");
                        queue.taskDone();
                    }
                }).start();
                queue.join();
                assertEquals(0, queue.unfinishedTasks());
                for (int i = 0; i < 10; i++)
                {
                    assertEquals("task " + i + " done", done.get(Duration.ofSeconds(10)));
                }
                assertThrows(IllegalStateException.class, queue::taskDone);
                worker.join();
                assertEquals(0, worker.exitCode().orElseThrow());
            }
        });
    }

    @Test
    void shouldCarryNullAndArraysThroughASimpleQueueFromAChild()
    {
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (SimpleQueue<Object> queue = SimpleQueue.create())
            {
                assertTrue(queue.isEmpty());
                final ChildProcess child = new ChildProcess(() ->
                {
                    queue.put(null);
                    queue.put(new int[] {1, 2, 3});
                }).start();
                assertNull(queue.get());
                assertArrayEquals(new int[] {1, 2, 3}, (int[])queue.get());
                assertThrows(Mp4jTimeoutException.class, () -> queue.get(Duration.ofMillis(20)));
                child.join();
            }
        });
    }

    /**
     * A child claims a position of the queue's ring exactly as put() (produce) or take() does, then dies
     * before publishing or reading it.
     */
    private static void claimAPositionAndDieInAChild(final String file, final boolean produce) throws InterruptedException
    {
        final ChildProcess producer = new ChildProcess(() ->
        {
            final io.mp4j.internal.region.Region region = io.mp4j.internal.region.Region.attach(
                java.nio.file.Path.of(file), io.mp4j.internal.region.RegionKind.QUEUE);
            final io.mp4j.internal.channel.ManyToManySlotRing ring =
                new io.mp4j.internal.channel.ManyToManySlotRing(region.body());
            if ((produce ? ring.tryClaimProduce() : ring.tryClaimConsume()) < 0)
            {
                throw new IllegalStateException("nothing to claim");
            }
            Runtime.getRuntime().halt(3);
        }).start();
        producer.join();
        assertEquals(3, producer.exitCode().orElseThrow());
    }
}
