package io.mp4j.process;

import io.mp4j.process.internal.ProcessState;

/**
 * Who the calling process is: Python's {@code current_process()}. The main JVM is named
 * {@code MainProcess}; a child carries the name its parent gave it.
 *
 * @param name      the process's name, e.g. {@code ChildProcess-1}.
 * @param pid       the operating system's id of this process.
 * @param parentPid the id of the process that started this one, or -1 if unknown.
 * @param daemon    whether this process is a daemon child of another mp4j process.
 */
public record CurrentProcess(String name, long pid, long parentPid, boolean daemon)
{
    /** The name of a JVM that mp4j did not start. */
    public static final String MAIN_PROCESS_NAME = ProcessState.MAIN_PROCESS_NAME;
}
