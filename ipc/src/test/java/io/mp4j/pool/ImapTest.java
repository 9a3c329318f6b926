package io.mp4j.pool;

import io.mp4j.RemoteException;
import io.mp4j.test.NoLeaksExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Python's {@code imap} and {@code imap_unordered} over a lazily read input, with failures at their place
 * (after CPython's {@code test_imap_handle_iterable_exception} and its unordered twin).
 */
@ExtendWith(NoLeaksExtension.class)
class ImapTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int PROCESSES = 2;
    private static final int MAX_TASKS_IN_FLIGHT = 4;
    /** What the pool documents: 2 × processes × maxTasksInFlight chunks. */
    private static final int LOOK_AHEAD_CHUNKS = 2 * PROCESSES * MAX_TASKS_IN_FLIGHT;
    private static Pool pool;

    @BeforeAll
    static void startPool()
    {
        pool = new Pool(new PoolContext().processes(PROCESSES).maxTasksInFlight(MAX_TASKS_IN_FLIGHT));
    }

    @AfterAll
    static void closePool()
    {
        assertTimeoutPreemptively(TIMEOUT, () -> pool.close());
    }

    /** Thrown by an input at a given item, as CPython's SayWhenError. */
    static final class SayWhenException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        SayWhenException(final int at)
        {
            super("somebody said when: at=" + at);
        }
    }

    /** The items 0, 1, 2, ... without end, or until {@code failAt}; counts how many were read. */
    private static final class CountingInput implements Iterable<Integer>
    {
        final AtomicLong read = new AtomicLong();
        final int failAt;
        final int length;
        SayWhenException thrown;

        CountingInput(final int length, final int failAt)
        {
            this.length = length;
            this.failAt = failAt;
        }

        @Override
        public Iterator<Integer> iterator()
        {
            return new Iterator<>()
            {
                @Override
                public boolean hasNext()
                {
                    return read.get() < length;
                }

                @Override
                public Integer next()
                {
                    final int item = (int)read.get();
                    if (item == failAt)
                    {
                        thrown = new SayWhenException(item);
                        throw thrown;
                    }
                    read.incrementAndGet();
                    return item;
                }
            };
        }
    }

    private static List<Integer> squares(final int n)
    {
        return IntStream.range(0, n).mapToObj(x -> x * x).collect(Collectors.toList());
    }

    @Test
    void shouldYieldTheResultsBeforeAnInputFailureThenThrowTheInputsExceptionAsItIs()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // chunksize, the item the input fails at
            final int[][] cases = {{1, 0}, {1, 3}, {2, 7}, {4, 7}, {3, 9}};
            for (final int[] c : cases)
            {
                final CountingInput input = new CountingInput(20, c[1]);
                final Iterator<Integer> results = pool.imap((Integer x) -> x * x, input, c[0]);

                final List<Integer> taken = new ArrayList<>();
                for (int i = 0; i < c[1]; i++)
                {
                    assertTrue(results.hasNext());
                    taken.add(results.next());
                }
                assertEquals(squares(c[1]), taken, "chunksize=" + c[0]);
                assertTrue(results.hasNext(), "the failure is still to come");
                final SayWhenException thrown = assertThrows(SayWhenException.class, results::next);
                assertSame(input.thrown, thrown, "the input's own exception");
                assertFalse(results.hasNext());
                assertThrows(NoSuchElementException.class, results::next);
            }
        });
    }

    @Test
    void shouldYieldEveryResultReadBeforeAnInputFailureInCompletionOrderThenThrowIt()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            final CountingInput input = new CountingInput(20, 10);
            final Iterator<Integer> results = pool.imapUnordered((Integer x) -> x * x, input, 3);

            final List<Integer> taken = new ArrayList<>();
            final SayWhenException thrown = assertThrows(SayWhenException.class, () ->
            {
                while (results.hasNext())
                {
                    taken.add(results.next());
                }
            });
            assertSame(input.thrown, thrown);
            taken.sort(null);
            assertEquals(squares(10), taken);
            assertFalse(results.hasNext());
        });
    }

    @Test
    void shouldYieldEarlierResultsBeforeALaterTasksFailureAtItsPlace()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // Item 5 fails at once, long before the slow items before it are done.
            final Iterator<Integer> results = pool.imap((Integer x) ->
            {
                if (x == 5)
                {
                    throw new IllegalArgumentException("five is not allowed");
                }
                Thread.sleep(x < 5 ? 300 : 0);
                return x * x;
            }, IntStream.range(0, 10).boxed().collect(Collectors.toList()));

            final List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                taken.add(results.next());
            }
            assertEquals(squares(5), taken);
            final RemoteException failed = assertThrows(RemoteException.class, results::next);
            assertEquals("five is not allowed", failed.remoteMessage());
            assertTrue(failed.getMessage().startsWith("pool task failed: call=imap(items=10, chunksize=1) task=5 "),
                failed.getMessage());
            assertFalse(results.hasNext());
        });
    }

    @Test
    void shouldThrowATasksFailureInCompletionOrderWithImapUnordered()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // One chunk in flight per worker: item 0 keeps one worker busy while the other runs 1, 2, 3.
            final Pool single = new Pool(new PoolContext().processes(2).maxTasksInFlight(1));
            try
            {
                final Iterator<Integer> results = single.imapUnordered((Integer x) ->
                {
                    if (x == 3)
                    {
                        throw new IllegalArgumentException("three is not allowed");
                    }
                    Thread.sleep(x == 0 ? 10_000 : 0);
                    return x * x;
                }, List.of(0, 1, 2, 3, 4, 5));

                final List<Integer> taken = new ArrayList<>();
                final RemoteException failed = assertThrows(RemoteException.class, () ->
                {
                    while (results.hasNext())
                    {
                        taken.add(results.next());
                    }
                });
                assertEquals("three is not allowed", failed.remoteMessage());
                assertEquals(List.of(1, 4), taken, "what finished before the failure, and not the slow item");
                assertFalse(results.hasNext());
            }
            finally
            {
                single.terminate();
                single.join();
            }
        });
    }

    @Test
    void shouldReadAnEndlessInputOnlyAsFarAsTheResultsTaken()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            for (final int chunksize : new int[]{1, 5})
            {
                final CountingInput endless = new CountingInput(Integer.MAX_VALUE, -1);
                final Iterator<Integer> results = chunksize == 1 ?
                    pool.imap((Integer x) -> x * x, endless) : pool.imapUnordered((Integer x) -> x * x, endless, chunksize);

                final List<Integer> taken = new ArrayList<>();
                for (int i = 0; i < 500; i++)
                {
                    taken.add(results.next());
                }
                if (chunksize == 1)
                {
                    assertEquals(squares(500), taken);
                }
                else
                {
                    assertEquals(500, taken.stream().distinct().count());
                    assertTrue(taken.stream().allMatch(r -> r == (int)Math.sqrt(r) * (int)Math.sqrt(r)), taken.toString());
                }
                Thread.sleep(300); // the workers finish what they were given; nothing more is read meanwhile

                final long bound = 500 + (long)LOOK_AHEAD_CHUNKS * chunksize;
                assertTrue(endless.read.get() <= bound, "read " + endless.read.get() + " items, at most " + bound);
                assertTrue(endless.read.get() >= 500);
            }
        });
    }

    @Test
    void shouldFinishAnImapAfterShutdownWhenJoinedAndStopReadingWhenClosed()
    {
        assertTimeoutPreemptively(TIMEOUT, () ->
        {
            // Python: imap, close(), join(), then read every result. Workers retire meanwhile.
            final Pool joined = new Pool(new PoolContext().processes(PROCESSES).maxTasksInFlight(2).maxTasksPerChild(20));
            final CountingInput input = new CountingInput(300, -1);
            final Iterator<Integer> all = joined.imap((Integer x) -> x * x, input, 2);
            joined.shutdown();
            assertThrows(IllegalStateException.class, () -> joined.imap((Integer x) -> x, List.of(1)));
            joined.join();
            final List<Integer> taken = new ArrayList<>();
            all.forEachRemaining(taken::add);
            assertEquals(squares(300), taken);

            // close() finishes what was read of an endless input and reads no more.
            final Pool closed = new Pool(new PoolContext().processes(PROCESSES).maxTasksInFlight(2));
            final CountingInput endless = new CountingInput(Integer.MAX_VALUE, -1);
            final Iterator<Integer> cut = closed.imap((Integer x) -> x * x, endless);
            assertEquals(0, cut.next());
            closed.close();
            final long read = endless.read.get();
            int rest = 0;
            try
            {
                while (true)
                {
                    assertEquals((rest + 1) * (rest + 1), cut.next());
                    rest++;
                }
            }
            catch (final CancellationException expected)
            {
                assertEquals(read, rest + 1, "every item read was finished");
            }
            assertEquals(read, endless.read.get());
            assertTrue(closed.isTerminated());
        });
    }
}
