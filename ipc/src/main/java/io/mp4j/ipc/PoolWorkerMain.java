package io.mp4j.ipc;

import io.mp4j.core.JavaSerialization;
import io.mp4j.core.RemoteException;
import io.mp4j.core.Session;
import io.mp4j.core.WaitStrategy;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop a pool worker JVM runs: take a chunk from its task ring, apply the call's function to each
 * item, write the results to its result ring. Functions arrive once per call and are kept until the
 * pool says the call is over. Runs in the worker's main thread only.
 */
final class PoolWorkerMain implements MessageHandler
{
    /** Kept functions beyond this many are dropped oldest first, should FORGET messages be lost. */
    private static final int MAX_FUNCTIONS = 64;

    private final PoolChannel channel;
    private final IdleStrategy idle;
    private final Map<Long, PoolFunction<Object, Object>> functions =
        new LinkedHashMap<>(16, 0.75f, false)
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, PoolFunction<Object, Object>> eldest)
            {
                return size() > MAX_FUNCTIONS;
            }
        };
    private boolean stopped;

    private PoolWorkerMain(final PoolChannel channel, final WaitStrategy waitStrategy)
    {
        this.channel = channel;
        this.idle = waitStrategy.newIdleStrategy();
    }

    /**
     * What a pool starts a worker JVM with: a plain record rather than a lambda, so that the worker
     * does not load the pool's classes to deserialize it.
     *
     * @param channelName  the worker's channel in the current session.
     * @param initializer  the serialized initializer, or null.
     * @param waitStrategy how to wait for tasks.
     */
    record Target(String channelName, byte[] initializer, WaitStrategy waitStrategy) implements ProcessTarget
    {
        private static final long serialVersionUID = 1L;

        @Override
        public void run()
        {
            PoolWorkerMain.run(channelName, initializer, waitStrategy);
        }
    }

    /**
     * Runs a worker until the pool tells it to stop.
     *
     * @param channelName  the worker's channel in the current session.
     * @param initializer  the serialized initializer, or null.
     * @param waitStrategy how to wait for tasks.
     */
    static void run(final String channelName, final byte[] initializer, final WaitStrategy waitStrategy)
    {
        try (PoolChannel channel = PoolChannel.attach(Session.current(), channelName))
        {
            final PoolWorkerMain worker = new PoolWorkerMain(channel, waitStrategy);
            if (initializer != null)
            {
                try
                {
                    ((ProcessTarget)JavaSerialization.deserialize(initializer, "pool initializer")).run();
                }
                catch (final Throwable ex)
                {
                    worker.send(PoolChannel.INIT_FAILED, 0, -1, RemoteException.encode(ex));
                    return;
                }
            }

            worker.send(PoolChannel.READY, 0, -1, null);
            while (!worker.stopped)
            {
                // One record per read, so the ring's space is freed before each task runs.
                worker.idle.idle(channel.tasks().read(worker, 1));
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long callId = PoolChannel.callId(buffer, index);
        switch (type)
        {
            case PoolChannel.FUNCTION -> functions.put(callId, (PoolFunction<Object, Object>)JavaSerialization
                .deserialize(channel.payload(buffer, index, length), "pool function"));
            case PoolChannel.TASK -> runTask(callId, PoolChannel.taskIndex(buffer, index),
                channel.payload(buffer, index, length));
            case PoolChannel.FORGET -> functions.remove(callId);
            case PoolChannel.STOP -> stopped = true;
            default -> throw new IllegalStateException("unknown pool message: type=" + type);
        }
    }

    private void runTask(final long callId, final int taskIndex, final byte[] payload)
    {
        byte[] reply;
        int type = PoolChannel.RESULT;
        try
        {
            final PoolFunction<Object, Object> function = functions.get(callId);
            if (function == null)
            {
                throw new IllegalStateException("no function for call: callId=" + callId);
            }

            final List<?> items = (List<?>)JavaSerialization.deserialize(payload, "pool task items");
            final ArrayList<Object> results = new ArrayList<>(items.size());
            for (final Object item : items)
            {
                results.add(function.apply(item));
            }
            reply = JavaSerialization.serialize(results, "pool task results");
        }
        catch (final Throwable ex)
        {
            type = PoolChannel.ERROR;
            reply = RemoteException.encode(ex);
        }
        send(type, callId, taskIndex, reply);
    }

    private void send(final int type, final long callId, final int taskIndex, final byte[] payload)
    {
        final IdleStrategy backPressure = WaitStrategy.BACKOFF.newIdleStrategy();
        while (!channel.write(channel.results(), type, callId, taskIndex, payload))
        {
            // The pool drains results continuously; if it died, the parent lifeline ends this JVM.
            backPressure.idle();
        }
    }
}
