package io.mp4j.worker.internal;

import io.mp4j.RemoteException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.Doorbell;
import io.mp4j.internal.JavaSerialization;
import io.mp4j.internal.Waiter;
import io.mp4j.process.ProcessTarget;
import io.mp4j.session.Session;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/**
 * The loop a pool worker JVM runs on one channel: take a chunk from the task ring, apply the call's
 * function to each item, write the results to the result ring. Functions arrive once per call and are
 * kept until the pool says the call is over; a function without state that an apply uses is kept for the
 * channel's life instead ({@link KeptFunctions}), so that an apply of it sends only its task. A spawned
 * worker serves one channel for its whole life; a worker host's worker serves one channel per lease, a
 * pool's or a hosted child's ({@link HostedRun}).
 * The worker says in its channel which task it runs, so that the pool charges its death to that task
 * alone. A task whose error may have corrupted the JVM ({@link VirtualMachineError} other than
 * {@link StackOverflowError}) ends the worker after its failure is sent: the pool starts another.
 * Runs in the worker's main thread only.
 */
public final class PoolWorkerMain implements MessageHandler
{
    /** Kept functions beyond this many are dropped oldest first, should FORGET messages be lost. */
    private static final int MAX_FUNCTIONS = 64;

    private final PoolChannel channel;
    private final WaitStrategy waitStrategy;
    private final Runnable onTaskDone;
    private final BooleanSupplier poolAlive;
    private final ChunkApplier applier = new ChunkApplier();
    private final Map<Long, TaskFunction> functions = boundedMap(false);
    /** Functions without state, by their bytes: a later call that sends the same bytes uses the same one. */
    private final Map<ByteBuffer, TaskFunction> reusableFunctions = boundedMap(true);
    /** Functions that could not be deserialized here (e.g. a class missing from this JVM), by call. */
    private final Map<Long, RuntimeException> unloadable = new LinkedHashMap<>();
    /** Functions kept for the channel's life, by the pool's id: a function, or why it could not be loaded. */
    private final KeptFunctions<Object> kept = new KeptFunctions<>();
    private boolean stopped;
    private boolean initializerFailed;
    private boolean retire;
    /** The sequence of the last task message read on this channel, counted as the pool counts them. */
    private long taskSequence;

    private PoolWorkerMain(
        final PoolChannel channel, final WaitStrategy waitStrategy, final BooleanSupplier poolAlive,
        final Runnable onTaskDone)
    {
        this.channel = channel;
        this.waitStrategy = waitStrategy;
        this.poolAlive = poolAlive;
        this.onTaskDone = onTaskDone;
    }

    /** A map that drops its eldest entry beyond {@value #MAX_FUNCTIONS}: by insertion, or by access. */
    private static <K> Map<K, TaskFunction> boundedMap(final boolean accessOrder)
    {
        return new LinkedHashMap<>(16, 0.75f, accessOrder)
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<K, TaskFunction> eldest)
            {
                return size() > MAX_FUNCTIONS;
            }
        };
    }

    /**
     * What a pool starts a worker JVM with: a lambda of plain values, which the worker rebuilds without
     * Java serialization, written here so that the worker loads none of the pool's classes for it.
     *
     * @param channelName  the worker's channel in the current session.
     * @param waitStrategy how to wait for tasks.
     * @return the worker's target.
     */
    public static ProcessTarget target(final String channelName, final WaitStrategy waitStrategy)
    {
        return () -> serve(channelName, waitStrategy);
    }

    /**
     * Serves the channel of a name in the current session until the pool stops this worker; the body of
     * a pool's worker JVM. The parent lifeline ends this JVM if the pool's JVM dies, so the pool is
     * always there.
     *
     * @param channelName  the worker's channel in the current session.
     * @param waitStrategy how to wait for tasks.
     */
    public static void serve(final String channelName, final WaitStrategy waitStrategy)
    {
        Doorbell.prepareInBackground(); // the first result rings the pool, the first idle wait makes a bell
        try (PoolChannel channel = PoolChannel.attach(Session.current(), channelName))
        {
            serve(channel, waitStrategy, () -> true, () -> { });
        }
    }

    /**
     * Serves a channel until the pool sends STOP, the pool's initializer fails, or the pool's process
     * is gone.
     *
     * @param channel      the channel to serve.
     * @param waitStrategy how to wait for tasks.
     * @param poolAlive    whether the pool's process still runs; asked every 100 ms of waiting.
     * @param onTaskDone   called after each task, e.g. to count it.
     * @return true if this JVM must not serve again: a hosted child left threads running in it.
     */
    public static boolean serve(
        final PoolChannel channel, final WaitStrategy waitStrategy, final BooleanSupplier poolAlive,
        final Runnable onTaskDone)
    {
        final PoolWorkerMain worker = new PoolWorkerMain(channel, waitStrategy, poolAlive, onTaskDone);
        // READY only tells the pool that a worker started, which it reads with the first result: ringing for it
        // would make a fresh worker wait for its doorbell's set-up before its first task rather than after it.
        if (!worker.whenRoom(() -> channel.writeUnrung(channel.results(), PoolChannel.READY, 0, -1, null)))
        {
            return false;
        }

        final Waiter waiter = Waiter.begin(waitStrategy, channel.board(), PoolChannel.TASKS_TAG, Waiter.NO_TIMEOUT);
        try
        {
            while (!worker.stopped && !worker.initializerFailed)
            {
                // One record per read, so the ring's space is freed before each task runs.
                final int read = PoolChannel.read(channel.tasks(), worker, 1);
                if (read > 0)
                {
                    waiter.restart();
                    continue;
                }
                if (waiter.checkDue() && !poolAlive.getAsBoolean())
                {
                    return worker.retire;
                }
                waiter.idle();
            }
            return worker.retire;
        }
        finally
        {
            waiter.end();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long callId = PoolChannel.callId(buffer, index);
        switch (type)
        {
            case PoolChannel.INITIALIZE -> initialize(channel.payload(buffer, index, length));
            case PoolChannel.FUNCTION -> loadFunction(callId, channel.payload(buffer, index, length),
                PoolChannel.taskIndex(buffer, index) == PoolChannel.FUNCTION_REUSABLE);
            case PoolChannel.TASK -> runTask(++taskSequence, callId, PoolChannel.taskIndex(buffer, index), 0, buffer,
                index, length);
            case PoolChannel.APPLY -> runTask(++taskSequence, callId, 0, PoolChannel.taskIndex(buffer, index), buffer,
                index, length);
            case PoolChannel.KEEP -> keep(PoolChannel.taskIndex(buffer, index), channel.payload(buffer, index, length));
            case PoolChannel.FORGET ->
            {
                functions.remove(callId);
                unloadable.remove(callId);
            }
            case PoolChannel.RUN -> runChild(buffer, index, length);
            case PoolChannel.STOP -> stopped = true;
            default -> throw new IllegalStateException("unknown pool message: type=" + type);
        }
    }

    private void loadFunction(final long callId, final byte[] function, final boolean reusable)
    {
        try
        {
            final ByteBuffer key = ByteBuffer.wrap(function);
            TaskFunction loaded = reusable ? reusableFunctions.get(key) : null;
            if (loaded == null)
            {
                loaded = (TaskFunction)JavaSerialization.deserialize(function, "pool function");
                if (reusable)
                {
                    reusableFunctions.put(key, loaded);
                }
            }
            functions.put(callId, loaded);
        }
        catch (final RuntimeException ex)
        {
            // Each task of the call reports it; the worker goes on serving other calls.
            if (unloadable.size() >= MAX_FUNCTIONS)
            {
                unloadable.remove(unloadable.keySet().iterator().next());
            }
            unloadable.put(callId, ex);
        }
    }

    private void keep(final int id, final byte[] function)
    {
        Object loaded;
        try
        {
            loaded = JavaSerialization.deserialize(function, "pool function");
        }
        catch (final RuntimeException ex)
        {
            loaded = ex; // each apply of it reports it
        }
        kept.keep(id, loaded);
    }

    /** Runs a hosted child's target; only a host's worker is sent one. */
    private void runChild(final MutableDirectBuffer buffer, final int index, final int length)
    {
        final byte[] spec;
        try
        {
            spec = channel.payload(buffer, index, length);
        }
        catch (final RuntimeException ex)
        {
            send(PoolChannel.EXITED, 0, 0, RemoteException.encode(ex));
            return;
        }
        retire |= HostedRun.run(this, spec, poolAlive);
        onTaskDone.run();
    }

    private void initialize(final byte[] initializer)
    {
        try
        {
            ((Callable<?>)JavaSerialization.deserialize(initializer, "pool initializer")).call();
        }
        catch (final Throwable ex)
        {
            initializerFailed = true;
            send(PoolChannel.INIT_FAILED, 0, -1, RemoteException.encode(ex));
        }
    }

    /**
     * Runs a task with its call's function, or with a kept one.
     *
     * @param keptId the id of the kept function it runs with; 0 for the function its call sent.
     */
    private void runTask(
        final long sequence, final long callId, final int taskIndex, final int keptId, final MutableDirectBuffer buffer,
        final int index, final int length)
    {
        channel.runningTaskVolatile(sequence);
        if (channel.isSkippedVolatile(sequence))
        {
            // Its call was stopped: the pool waits for no result, only to know the task is behind us.
            channel.discardPayload(buffer, index, length);
            send(PoolChannel.SKIPPED, callId, taskIndex, null);
            channel.runningTaskVolatile(0);
            return;
        }

        byte[] failure = null;
        boolean corrupt = false;
        try
        {
            final TaskFunction function = keptId != 0 ? keptFunction(keptId) : functions.get(callId);
            if (function == null)
            {
                final RuntimeException whyNot = unloadable.get(callId);
                throw whyNot != null ? whyNot : new IllegalStateException("no function for call: callId=" + callId);
            }
            if (PoolChannel.isInline(buffer, index))
            {
                // Read where it lies: the record is freed only after this handler returns.
                applier.apply(function, buffer, PoolChannel.payloadOffset(index), PoolChannel.payloadLength(length));
            }
            else
            {
                final byte[] payload = channel.payload(buffer, index, length);
                applier.apply(function, new UnsafeBuffer(payload), 0, payload.length);
            }
        }
        catch (final Throwable ex)
        {
            failure = RemoteException.encode(ex);
            corrupt = ex instanceof VirtualMachineError && !(ex instanceof StackOverflowError);
        }
        onTaskDone.run();
        if (failure != null)
        {
            send(PoolChannel.ERROR, callId, taskIndex, failure);
        }
        else
        {
            sendResult(callId, taskIndex);
        }
        channel.runningTaskVolatile(0);
        if (keptId != 0 && waitStrategy != WaitStrategy.BUSY_SPIN)
        {
            // An apply's caller spins for this result; if it shares this core, let it run now, not after
            // this worker's own spin for its next task.
            Thread.yield();
        }
        if (corrupt)
        {
            // Its heap or its classes may be broken: run nothing more, let the pool replace this JVM.
            send(PoolChannel.RETIRING, callId, taskIndex, null);
            stopped = true;
            retire = true;
        }
    }

    private TaskFunction keptFunction(final int id)
    {
        final Object function = kept.get(id);
        if (function instanceof RuntimeException whyNot)
        {
            throw whyNot;
        }
        if (function == null)
        {
            throw new IllegalStateException("no kept function: id=" + id);
        }
        return (TaskFunction)function;
    }

    /** Writes the applier's results, waiting while the ring is full, as {@link #send} does. */
    private void sendResult(final long callId, final int taskIndex)
    {
        whenRoom(() -> channel.writePayload(channel.results(), PoolChannel.RESULT, callId, taskIndex, applier));
    }

    /**
     * Writes a message, waiting while the ring is full; false if the pool went away meanwhile. One thread
     * at a time: the worker's, or a hosted child's that holds its run's lock.
     */
    boolean send(final int type, final long callId, final int taskIndex, final byte[] payload)
    {
        return whenRoom(() -> channel.write(channel.results(), type, callId, taskIndex, payload));
    }

    /** Tries a write until it fits the results ring; false if the pool went away meanwhile. */
    private boolean whenRoom(final BooleanSupplier write)
    {
        if (write.getAsBoolean())
        {
            return true;
        }
        final Waiter waiter = Waiter.begin(waitStrategy, channel.board(), PoolChannel.RESULTS_ROOM_TAG, Waiter.NO_TIMEOUT);
        try
        {
            while (!write.getAsBoolean())
            {
                if (waiter.checkDue() && !poolAlive.getAsBoolean())
                {
                    return false;
                }
                waiter.idle();
            }
            return true;
        }
        finally
        {
            waiter.end();
        }
    }
}
