package io.mp4j.ipc;

import java.util.ArrayList;
import java.util.List;

/**
 * The module-level functions of Python's {@code multiprocessing}: {@code cpu_count()},
 * {@code current_process()}, {@code active_children()} and {@code get_context()}. Safe from any thread.
 */
public final class Multiprocessing
{
    /** Made when first asked for: a child that never asks does not load the JDK's process machinery. */
    private static volatile CurrentProcess current;
    private static volatile ChildSpec childSpec;
    private static volatile String identity = "";

    private Multiprocessing()
    {
    }

    /**
     * The number of processors this JVM may use: Python's {@code cpu_count()}.
     *
     * @return at least 1.
     */
    public static int cpuCount()
    {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Who the calling process is: Python's {@code current_process()}.
     *
     * @return the name, pid and parent pid of this JVM.
     */
    public static CurrentProcess currentProcess()
    {
        CurrentProcess process = current;
        if (process == null)
        {
            synchronized (Multiprocessing.class)
            {
                process = current;
                if (process == null)
                {
                    final ChildSpec spec = childSpec;
                    process = spec != null ?
                        new CurrentProcess(spec.name(), ProcessHandle.current().pid(), spec.parentPid(), spec.daemon()) :
                        new CurrentProcess(CurrentProcess.MAIN_PROCESS_NAME, ProcessHandle.current().pid(),
                            ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L), false);
                    current = process;
                }
            }
        }
        return process;
    }

    /**
     * The children this process started that are still running: Python's {@code active_children()}.
     *
     * @return a snapshot, in start order.
     */
    public static List<ChildProcess> activeChildren()
    {
        final List<ChildProcess> alive = new ArrayList<>();
        for (final ChildProcess child : ChildProcess.started())
        {
            if (child.isAlive())
            {
                alive.add(child);
            }
        }
        return alive;
    }

    /**
     * The default process context: Python's {@code get_context()}. Build your own
     * {@link ProcessContext} for other settings.
     *
     * @return the shared default context.
     */
    public static ProcessContext getContext()
    {
        return ProcessContext.defaultContext();
    }

    static String identity()
    {
        return identity;
    }

    static void becomeChild(final ChildSpec spec)
    {
        synchronized (Multiprocessing.class)
        {
            identity = spec.identity();
            childSpec = spec;
            current = null;
        }
    }

    /** Makes this JVM who it was before a hosted child's target ran in it. */
    static void restore(final CurrentProcess process, final String processIdentity)
    {
        identity = processIdentity;
        current = process;
    }
}
