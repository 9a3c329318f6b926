package io.mp4j.process;

import io.mp4j.process.internal.ChildSpec;
import io.mp4j.process.internal.ProcessState;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The module-level functions of Python's {@code multiprocessing}: {@code cpu_count()},
 * {@code current_process()}, {@code parent_process()}, {@code active_children()} and {@code get_context()}.
 * Safe from any thread.
 */
public final class Multiprocessing
{
    /** Made when first asked for: a child that never asks does not load the JDK's process machinery. */
    private static volatile Described current;

    /** Made when first asked for, as {@link #current}. */
    private static volatile DescribedParent parent;

    private record Described(ProcessState.Snapshot state, CurrentProcess process)
    {
    }

    private record DescribedParent(ProcessState.Snapshot state, Optional<ParentProcess> process)
    {
    }

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
        final ProcessState.Snapshot state = ProcessState.snapshot();
        final Described described = current;
        if (described != null && described.state() == state)
        {
            return described.process();
        }
        final ChildSpec spec = state.spec();
        final CurrentProcess process = spec != null ?
            new CurrentProcess(spec.name(), ProcessHandle.current().pid(), spec.parentPid(), spec.daemon()) :
            new CurrentProcess(ProcessState.MAIN_PROCESS_NAME, ProcessHandle.current().pid(),
                ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L), false);
        current = new Described(state, process);
        return process;
    }

    /**
     * The process that started the calling one: Python's {@code parent_process()}. A hosted child's parent
     * is the process that started it, not the worker host.
     *
     * @return the parent's name and pid, whether it runs, a way to wait for its end; empty in a JVM that
     *         mp4j did not start.
     */
    public static Optional<ParentProcess> parentProcess()
    {
        final ProcessState.Snapshot state = ProcessState.snapshot();
        final DescribedParent described = parent;
        if (described != null && described.state() == state)
        {
            return described.process();
        }
        final ChildSpec spec = state.spec();
        final Optional<ParentProcess> process =
            spec != null ? Optional.of(new ParentProcess(spec.parentName(), spec.parentPid())) : Optional.empty();
        parent = new DescribedParent(state, process);
        return process;
    }

    /**
     * The children this process started that are still running: Python's {@code active_children()}.
     *
     * @return a snapshot.
     */
    public static List<ChildProcess> activeChildren()
    {
        final List<ChildProcess> alive = new ArrayList<>();
        for (final Object child : ProcessState.aliveChildren())
        {
            alive.add((ChildProcess)child);
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
}
