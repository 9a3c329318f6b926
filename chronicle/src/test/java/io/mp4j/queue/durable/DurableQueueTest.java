package io.mp4j.queue.durable;

import io.mp4j.process.ChildProcess;
import io.mp4j.queue.SharedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurableQueueTest
{
    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path directory;

    @Test
    void shouldKeepMessagesWrittenByAJvmThatExitedForANewJvmToReadInFull()
    {
        final int messages = 10_000;
        final String path = directory.resolve("orders").toString();
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            final ChildProcess writer = new ChildProcess(() ->
            {
                final DurableQueue<Object> queue = DurableQueue.open(Path.of(path));
                for (int i = 0; i < messages; i++)
                {
                    queue.put(i % 2 == 0 ? (Object)("order " + i) : (Object)(long)i);
                }
                // No close: the process just ends, as a crashing one would.
            }).start();
            writer.join();
            assertEquals(0, writer.exitCode().orElseThrow());

            try (SharedQueue<long[]> report = SharedQueue.create())
            {
                final ChildProcess reader = new ChildProcess(() ->
                {
                    final DurableQueue<Object> queue = DurableQueue.open(Path.of(path));
                    final int waiting = queue.size();
                    long count = 0;
                    long sum = 0;
                    Object message;
                    while ((message = queue.poll(Duration.ofMillis(500))) != null)
                    {
                        final long value = message instanceof String text ?
                            Long.parseLong(text.substring("order ".length())) : (Long)message;
                        if (value != count)
                        {
                            throw new IllegalStateException("out of order: expected=" + count + " actual=" + value);
                        }
                        count++;
                        sum += value;
                    }
                    report.put(new long[] {waiting, count, sum, queue.size()});
                }).start();
                final long[] result = report.poll(60, TimeUnit.SECONDS);
                reader.join();
                assertEquals(0, reader.exitCode().orElseThrow());
                assertEquals(messages, result[0], "size before reading");
                assertEquals(messages, result[1]);
                assertEquals((long)messages * (messages - 1) / 2, result[2]);
                assertEquals(0, result[3], "size after reading");
            }

            try (DurableQueue<Object> queue = DurableQueue.open(Path.of(path)))
            {
                assertNull(queue.poll(), "every message was taken once");
                final List<Long> indexes = new ArrayList<>();
                assertEquals(messages, queue.replay(0, (index, message) -> indexes.add(index)));
                assertEquals(queue.firstIndex(), indexes.get(0));
                assertEquals(queue.lastIndex(), indexes.get(messages - 1));
                assertEquals(queue.lastIndex(), queue.lastTakenIndex());

                final List<Object> fromMiddle = new ArrayList<>();
                assertEquals(3, queue.replay(indexes.get(100), (index, message) ->
                {
                    fromMiddle.add(message);
                    return fromMiddle.size() < 3;
                }));
                assertEquals(List.of("order 100", 101L, "order 102"), fromMiddle);
            }
        });
    }

    @Test
    void shouldGiveEachMessageToOneOfCompetingConsumers()
    {
        final int messages = 20_000;
        assertTimeoutPreemptively(TEST_TIMEOUT, () ->
        {
            try (DurableQueue<Integer> queue = DurableQueue.open(directory.resolve("competing")))
            {
                assertSame(queue, DurableQueue.open(directory.resolve("competing")));
                final long first = queue.append(0);
                for (int i = 1; i < messages; i++)
                {
                    queue.put(i);
                }
                assertEquals(0, queue.peek());
                assertEquals(messages, queue.size());

                final ConcurrentHashMap<Integer, Boolean> seen = new ConcurrentHashMap<>();
                final AtomicInteger duplicates = new AtomicInteger();
                final List<Thread> consumers = new ArrayList<>();
                for (int c = 0; c < 3; c++)
                {
                    consumers.add(new Thread(() ->
                    {
                        Integer message;
                        while ((message = queue.poll()) != null)
                        {
                            if (seen.put(message, Boolean.TRUE) != null)
                            {
                                duplicates.incrementAndGet();
                            }
                        }
                    }));
                }
                consumers.forEach(Thread::start);
                for (final Thread consumer : consumers)
                {
                    consumer.join();
                }
                assertEquals(0, duplicates.get());
                assertEquals(messages, seen.size());
                assertEquals(0, queue.size());
                assertTrue(queue.isEmpty());
                assertEquals(messages, queue.replay(first, (index, message) -> true));
            }
        });
    }
}
