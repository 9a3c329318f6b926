package io.mp4j.host;

import java.time.Duration;
import java.util.List;

/**
 * What a running worker host reports: its identity, uptime, leases and each warm worker.
 *
 * @param name          the host's name.
 * @param pid           the host JVM's pid.
 * @param uptime        how long the host has been running.
 * @param leasesGranted how many times clients have leased a worker.
 * @param workers       one entry per worker slot.
 */
public record WorkerHostStatus(String name, long pid, Duration uptime, long leasesGranted, List<Worker> workers)
{
    /**
     * One warm worker of a host.
     *
     * @param slot      the worker's slot number.
     * @param pid       the worker JVM's pid, or 0 while it starts.
     * @param state     {@code starting}, {@code free}, {@code claimed}, {@code restarting} (on a client's
     *                  classpath) or {@code leased}.
     * @param ownerPid  the pid of the client it serves, or 0 if it serves none.
     * @param tasksDone how many tasks it has run, over all clients.
     * @param classPath a short digest of the contents of the worker's classpath: workers that show the
     *                  same one load the same classes.
     */
    public record Worker(int slot, long pid, String state, long ownerPid, long tasksDone, String classPath)
    {
    }

    /**
     * How many tasks all workers have run.
     *
     * @return the sum over the workers.
     */
    public long tasksDone()
    {
        return workers.stream().mapToLong(Worker::tasksDone).sum();
    }
}
