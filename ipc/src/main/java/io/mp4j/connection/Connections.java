package io.mp4j.connection;

import io.mp4j.Mp4jException;
import io.mp4j.WaitStrategy;
import io.mp4j.connection.internal.Waitable;
import io.mp4j.connection.internal.Waitables;
import io.mp4j.internal.Waiter;
import io.mp4j.process.ChildProcess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waiting for any of several connections, queues and children: Python's
 * {@code multiprocessing.connection.wait(object_list, timeout)}.
 * <pre>{@code
 * for (Object ready : Connections.wait(List.of(child, pipe.first(), queue), Duration.ofSeconds(5)))
 * {
 *     if (ready instanceof Connection end) { System.out.println(end.recv()); }
 * }
 * }</pre>
 * A {@link Connection} is ready when {@link Connection#recv()} would not wait (a message, or end of
 * stream); a {@code SharedQueue}, {@code SimpleQueue} or {@code JoinableQueue} when it holds a message; a
 * {@link ChildProcess} when it has exited (Python's {@code sentinel}). The waiting thread sleeps on the
 * regions' wait boards, woken by the sender, and by a child's exit; the deaths of a connection's peer
 * processes are checked about every {@value Waiter#CHECK_INTERVAL_MILLIS} ms. (Not {@code Connection.wait}:
 * that name belongs to {@link Object#wait()}.)
 */
public final class Connections
{
    private static final Map<ChildProcess, ExitWatch> EXIT_WATCHES = new WeakHashMap<>();

    private Connections()
    {
    }

    /**
     * Waits until at least one object is ready, or the timeout passes: Python's {@code wait}. May be called
     * from any thread; a connection's receive side should not be used by another thread meanwhile.
     *
     * @param objects {@link Connection}s (readable ends), queues of {@code io.mp4j.queue} and
     *                {@link ChildProcess}es.
     * @param timeout how long at most: {@link Duration#ZERO} looks once, null waits without limit.
     * @param <T>     the objects' common type.
     * @return the ready objects in the order given; empty if the time ran out.
     * @throws IllegalArgumentException if an object is of a kind that cannot be waited for.
     * @throws IllegalStateException    if a connection is closed or write-only, or a queue is closed.
     * @throws Mp4jException            if the thread is interrupted while waiting.
     */
    public static <T> List<T> wait(final Collection<? extends T> objects, final Duration timeout)
    {
        final Object[] items = objects.toArray();
        final Object[] views = new Object[items.length];
        for (int i = 0; i < items.length; i++)
        {
            views[i] = viewOf(items[i]);
        }

        List<T> ready = collectReady(items, views, false);
        if (!ready.isEmpty() || (timeout != null && timeout.isZero()))
        {
            return ready;
        }

        final Waiter waiter = Waiter.begin(WaitStrategy.defaultStrategy(),
            timeout == null ? Waiter.NO_TIMEOUT : Math.max(0, timeout.toNanos()));
        try
        {
            for (int i = 0; i < items.length; i++)
            {
                if (views[i] instanceof Connection connection)
                {
                    connection.watch(waiter);
                }
                else if (views[i] instanceof Waitable waitable)
                {
                    waitable.watch(waiter);
                }
                else
                {
                    // A child's exit rings no board: its exit watch wakes this thread instead.
                    ((ExitWatch)views[i]).waiters.add(waiter);
                }
            }

            while (true)
            {
                ready = collectReady(items, views, waiter.checkDue());
                if (!ready.isEmpty())
                {
                    return ready;
                }
                if (!waiter.idleInterruptibly())
                {
                    return ready;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new Mp4jException("interrupted while waiting: objects=" + items.length, ex);
        }
        finally
        {
            for (final Object view : views)
            {
                if (view instanceof ExitWatch watch)
                {
                    watch.waiters.remove(waiter);
                }
            }
            waiter.end();
        }
    }

    private static Object viewOf(final Object object)
    {
        if (object instanceof Connection connection)
        {
            if (!connection.isReadable())
            {
                throw new IllegalStateException("cannot wait for a write-only connection: " + connection);
            }
            return connection;
        }
        if (object instanceof ChildProcess child)
        {
            synchronized (EXIT_WATCHES)
            {
                return EXIT_WATCHES.computeIfAbsent(child, ExitWatch::new);
            }
        }
        final Waitable waitable = object == null ? null : Waitables.of(object);
        if (waitable == null)
        {
            throw new IllegalArgumentException("cannot wait for this object: class=" +
                (object == null ? "null" : object.getClass().getName()) +
                " (a Connection, a queue of io.mp4j.queue or a ChildProcess)");
        }
        return waitable;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> collectReady(final Object[] items, final Object[] views, final boolean slowChecks)
    {
        List<T> ready = null;
        for (int i = 0; i < items.length; i++)
        {
            final Object view = views[i];
            final boolean isReady;
            if (view instanceof Connection connection)
            {
                isReady = connection.isReady(slowChecks);
            }
            else if (view instanceof Waitable waitable)
            {
                isReady = waitable.isReady(slowChecks);
            }
            else
            {
                isReady = ((ExitWatch)view).exit.isDone();
            }
            if (isReady)
            {
                if (ready == null)
                {
                    ready = new ArrayList<>();
                }
                ready.add((T)items[i]);
            }
        }
        return ready == null ? new ArrayList<>() : ready;
    }

    /**
     * One exit future per child, kept while the child is, so that waiting on a child again and again adds
     * no dependent to its exit future each time; it wakes whichever waits are under way.
     */
    private static final class ExitWatch
    {
        final CompletableFuture<ChildProcess> exit;
        final Set<Waiter> waiters = ConcurrentHashMap.newKeySet();

        ExitWatch(final ChildProcess child)
        {
            exit = child.onExit();
            exit.thenRun(() -> waiters.forEach(Waiter::wake));
        }
    }
}
