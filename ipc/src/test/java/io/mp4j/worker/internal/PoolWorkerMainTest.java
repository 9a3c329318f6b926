package io.mp4j.worker.internal;

import io.mp4j.RemoteException;
import io.mp4j.WaitStrategy;
import io.mp4j.codec.Codec;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's side of an apply of a kept function: a {@link PoolChannel#KEEP} once, then each
 * {@link PoolChannel#APPLY} names it, in a worker loop served in this JVM.
 */
class PoolWorkerMainTest
{
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final byte[] ONE_NULL = Codec.encodeList(Collections.singletonList(null));

    private PoolChannel pool;

    /** A function with a value, as a worker would keep one. */
    static final class Answer implements TaskFunction
    {
        private static final long serialVersionUID = 1L;

        private final int value;

        Answer(final int value)
        {
            this.value = value;
        }

        @Override
        public Object apply(final Object item)
        {
            return value;
        }
    }

    /** A message the worker sent. */
    record Sent(int type, long callId, int taskIndex, byte[] payload)
    {
    }

    @BeforeEach
    void createChannel()
    {
        pool = PoolChannel.create(Session.current(), "pool-worker-main-test-" + ProcessHandle.current().pid(), 64 * 1024);
    }

    @AfterEach
    void deleteChannel()
    {
        pool.delete();
    }

    @Test
    void shouldApplyAKeptFunctionAtEachApplyThatNamesIt()
    {
        keep(7, new Answer(42));
        apply(1, 7);
        apply(2, 7);

        final List<Sent> sent = serveUntilStop();

        assertEquals(3, sent.size(), "READY and two results");
        assertResult(sent.get(1), 1, 42);
        assertResult(sent.get(2), 2, 42);
    }

    @Test
    void shouldDropTheOldestKeptFunctionAsThePoolCounts()
    {
        final KeptFunctions<Void> poolsCopy = new KeptFunctions<>();
        for (int id = 1; id <= KeptFunctions.CAPACITY + 1; id++)
        {
            keep(id, new Answer(id));
            poolsCopy.keep(id, null);
        }
        apply(1, 1);
        apply(2, KeptFunctions.CAPACITY + 1);
        apply(3, 2);

        final List<Sent> sent = serveUntilStop();

        assertTrue(!poolsCopy.contains(1) && poolsCopy.contains(2), "the pool's copy dropped the first only");
        assertError(sent.get(1), 1, "no kept function: id=1");
        assertResult(sent.get(2), 2, KeptFunctions.CAPACITY + 1);
        assertResult(sent.get(3), 3, 2);
    }

    @Test
    void shouldReportAKeptFunctionThatCannotBeLoadedAtEachApplyAndGoOn()
    {
        assertTrue(pool.write(pool.tasks(), PoolChannel.KEEP, 0, 3, new byte[]{1, 2, 3}));
        keep(4, new Answer(4));
        apply(1, 3);
        apply(2, 3);
        apply(3, 4);

        final List<Sent> sent = serveUntilStop();

        assertError(sent.get(1), 1, "pool function");
        assertError(sent.get(2), 2, "pool function");
        assertResult(sent.get(3), 3, 4);
    }

    private void keep(final int id, final TaskFunction function)
    {
        assertTrue(pool.write(pool.tasks(), PoolChannel.KEEP, 0, id, JavaSerialization.serialize(function, "test function")));
    }

    private void apply(final long callId, final int keptId)
    {
        assertTrue(pool.write(pool.tasks(), PoolChannel.APPLY, callId, keptId, ONE_NULL));
    }

    private List<Sent> serveUntilStop()
    {
        assertTrue(pool.write(pool.tasks(), PoolChannel.STOP, 0, -1, null));
        assertTimeoutPreemptively(LIMIT, () ->
        {
            try (PoolChannel worker = PoolChannel.attach(pool.file()))
            {
                PoolWorkerMain.serve(worker, WaitStrategy.DEFAULT, () -> true, () -> { });
            }
        });
        final List<Sent> sent = new ArrayList<>();
        PoolChannel.read(pool.results(), (type, buffer, index, length) -> sent.add(new Sent(type,
            PoolChannel.callId(buffer, index), PoolChannel.taskIndex(buffer, index), pool.payload(buffer, index, length))),
            Integer.MAX_VALUE);
        assertEquals(PoolChannel.READY, sent.get(0).type());
        return sent;
    }

    private static void assertResult(final Sent sent, final long callId, final int value)
    {
        assertEquals(PoolChannel.RESULT, sent.type(), "a result of call " + callId);
        assertEquals(callId, sent.callId());
        assertEquals(0, sent.taskIndex(), "an apply's one task");
        assertEquals(List.of(value), Codec.decodeList(sent.payload()));
    }

    private static void assertError(final Sent sent, final long callId, final String message)
    {
        assertEquals(PoolChannel.ERROR, sent.type(), "a failure of call " + callId);
        assertEquals(callId, sent.callId());
        final String failure = RemoteException.decode(sent.payload()).toString();
        assertTrue(failure.contains(message), failure);
    }
}
