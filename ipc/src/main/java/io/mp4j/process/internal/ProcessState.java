package io.mp4j.process.internal;

import io.mp4j.internal.ShutdownSequence;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.BooleanSupplier;

/**
 * Who this JVM is (the spec it runs as a child, its identity) and the children it started that have not
 * ended. Both kinds of child (a JVM of its own, or a target in a host's warm worker) and the worker loop
 * that runs hosted targets read and change it here, below the public process API. Safe from any thread.
 */
public final class ProcessState
{
    /** The name of a JVM that mp4j did not start. */
    public static final String MAIN_PROCESS_NAME = "MainProcess";

    private static final Map<Object, BooleanSupplier> CHILDREN = new ConcurrentHashMap<>();
    private static final Deque<AutoCloseable> ATTACHED = new ConcurrentLinkedDeque<>();
    private static volatile Snapshot current = new Snapshot(null, "");

    /**
     * Who this JVM is at one moment, to restore after a hosted child's target ran in it.
     *
     * @param spec     the spec this JVM runs as a child, or null in a JVM mp4j did not start.
     * @param identity Python's {@code _identity}, e.g. {@code 1:2}; empty in the main process.
     */
    public record Snapshot(ChildSpec spec, String identity)
    {
    }

    private ProcessState()
    {
    }

    /**
     * Who this JVM is now.
     *
     * @return the current snapshot.
     */
    public static Snapshot snapshot()
    {
        return current;
    }

    /**
     * Makes this JVM the child a spec describes, in a JVM of its own or for a hosted target's run.
     *
     * @param spec what the parent handed the child.
     */
    public static void becomeChild(final ChildSpec spec)
    {
        current = new Snapshot(spec, spec.identity());
    }

    /**
     * Makes this JVM who it was before a hosted child's target ran in it.
     *
     * @param snapshot what {@link #snapshot()} returned before the run.
     */
    public static void restore(final Snapshot snapshot)
    {
        current = snapshot;
    }

    /**
     * Closes a resource the current process attached implicitly (e.g. a connection opened while deserializing an
     * argument) when its target returns, so that its threads do not keep the child alive; in a JVM that is no
     * child, at JVM exit.
     *
     * @param resource what to close.
     */
    public static void closeWhenTargetEnds(final AutoCloseable resource)
    {
        if (current.spec() == null)
        {
            ShutdownSequence.add(ShutdownSequence.FIRST, "close " + resource, () -> closeQuietly(resource));
        }
        else
        {
            ATTACHED.push(resource);
        }
    }

    /** Closes what {@link #closeWhenTargetEnds(AutoCloseable)} collected during a child's target, newest first. */
    public static void closeAttached()
    {
        AutoCloseable resource;
        while ((resource = ATTACHED.poll()) != null)
        {
            closeQuietly(resource);
        }
    }

    private static void closeQuietly(final AutoCloseable resource)
    {
        try
        {
            resource.close();
        }
        catch (final Exception ex)
        {
            System.err.println("mp4j: cannot close " + resource + ": " + ex);
        }
    }

    /**
     * The name of this process: its spec's, or {@value #MAIN_PROCESS_NAME}.
     *
     * @return the name.
     */
    public static String name()
    {
        final ChildSpec spec = current.spec();
        return spec != null ? spec.name() : MAIN_PROCESS_NAME;
    }

    /**
     * Records a child this process started, until {@link #childEnded(Object)}.
     *
     * @param child the child.
     * @param alive whether it still runs.
     */
    public static void childStarted(final Object child, final BooleanSupplier alive)
    {
        CHILDREN.put(child, alive);
    }

    /**
     * Forgets a child that ended.
     *
     * @param child the child given to {@link #childStarted(Object, BooleanSupplier)}.
     */
    public static void childEnded(final Object child)
    {
        CHILDREN.remove(child);
    }

    /**
     * The children started and not yet ended.
     *
     * @return a snapshot, in no particular order.
     */
    public static List<Object> startedChildren()
    {
        return new ArrayList<>(CHILDREN.keySet());
    }

    /**
     * The started children that still run.
     *
     * @return a snapshot, in no particular order.
     */
    public static List<Object> aliveChildren()
    {
        final List<Object> alive = new ArrayList<>();
        CHILDREN.forEach((child, isAlive) ->
        {
            if (isAlive.getAsBoolean())
            {
                alive.add(child);
            }
        });
        return alive;
    }
}
