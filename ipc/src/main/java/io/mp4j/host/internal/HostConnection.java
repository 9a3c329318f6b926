package io.mp4j.host.internal;

import io.mp4j.Mp4jException;
import io.mp4j.Mp4jTimeoutException;
import io.mp4j.WaitStrategy;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.OptionalInt;

import static io.mp4j.host.internal.HostDescriptor.CHANNEL_PATH_LENGTH_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.CHANNEL_PATH_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.CLAIMED;
import static io.mp4j.host.internal.HostDescriptor.EXIT_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.FREE;
import static io.mp4j.host.internal.HostDescriptor.HOST_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_RUNNING;
import static io.mp4j.host.internal.HostDescriptor.HOST_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.HOST_STATE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASED;
import static io.mp4j.host.internal.HostDescriptor.LEASES_GRANTED_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASE_COUNT_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.LEASE_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_COUNT_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_START_OFFSET;

/**
 * A client's view of a running worker host: its state, and leases of its workers. Used by one thread at
 * a time (a hosted child's starting thread hands it to its reaper).
 */
public final class HostConnection implements AutoCloseable
{
    private final String name;
    private final Session session;
    private final Region control;
    private final AtomicBuffer buffer;
    private final ProcessIdentity host;

    /**
     * A worker leased from the host: the slot, the worker JVM serving the client's channel, and which of
     * the slot's leases this is.
     */
    public record Lease(int slot, ProcessIdentity worker, long number)
    {
    }

    private HostConnection(final String name, final Session session, final Region control)
    {
        this.name = name;
        this.session = session;
        this.control = control;
        this.buffer = control.body();
        this.host = new ProcessIdentity(buffer.getLong(HOST_PID_OFFSET), buffer.getLong(HOST_START_OFFSET));
    }

    public static HostConnection connect(final String name)
    {
        final Path registration = HostDescriptor.registrationOf(name);
        final String[] lines = HostDescriptor.readRegistration(registration);
        final Session session;
        final Region control;
        try
        {
            session = Session.attach(Paths.get(lines[0]));
            control = Region.attach(session, HostDescriptor.CONTROL_REGION, RegionKind.HOST);
        }
        catch (final Mp4jException ex)
        {
            throw new Mp4jException("worker host is not running: name=" + name + " pid=" + lines[1] +
                " (its registration is stale; a new host of this name takes it over)", ex);
        }

        final HostConnection connection = new HostConnection(name, session, control);
        if (!connection.isRunning())
        {
            connection.close();
            throw new Mp4jException("worker host is not running: name=" + name + " pid=" + lines[1]);
        }
        return connection;
    }

    public String name()
    {
        return name;
    }

    public long hostPid()
    {
        return host.pid();
    }

    public int workerCount()
    {
        return buffer.getInt(WORKER_COUNT_OFFSET);
    }

    public boolean isRunning()
    {
        return buffer.getIntVolatile(HOST_STATE_OFFSET) == HOST_RUNNING && host.isAlive();
    }

    /**
     * The host's control region, for reading its status.
     *
     * @return the region's body.
     */
    public AtomicBuffer control()
    {
        return buffer;
    }

    /**
     * Leases a free worker to serve the channel: waits for one to be free up to the timeout.
     *
     * @throws Mp4jTimeoutException if no worker became free in time.
     * @throws Mp4jException        if the host stopped.
     */
    public Lease lease(final Path channelFile, final Duration timeout)
    {
        final byte[] path = HostDescriptor.encodePath(channelFile.toAbsolutePath().toString());
        final long claimed = HostDescriptor.leaseWord(ProcessIdentity.current().pid(), CLAIMED);
        final Waiter waiter = Waiter.begin(
            WaitStrategy.LOW_CPU, control.waitBoard(), HostDescriptor.WORKER_FREED_TAG, timeout.toNanos());
        try
        {
            return awaitLease(waiter, path, claimed, timeout);
        }
        finally
        {
            waiter.end();
        }
    }

    private Lease awaitLease(final Waiter waiter, final byte[] path, final long claimed, final Duration timeout)
    {
        final ProcessIdentity self = ProcessIdentity.current();
        while (true)
        {
            if (!isRunning())
            {
                throw new Mp4jException("worker host stopped: name=" + name + " pid=" + host.pid());
            }
            for (int slot = 0; slot < workerCount(); slot++)
            {
                final int base = HostDescriptor.slotOffset(slot);
                final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
                if (HostDescriptor.state(word) == FREE && buffer.compareAndSetLong(base + LEASE_WORD_OFFSET, word, claimed))
                {
                    buffer.putLong(base + OWNER_PID_OFFSET, self.pid());
                    buffer.putLong(base + OWNER_START_OFFSET, self.startEpochMilli());
                    buffer.putInt(base + CHANNEL_PATH_LENGTH_OFFSET, path.length);
                    buffer.putBytes(base + CHANNEL_PATH_OFFSET, path);
                    final long number = buffer.getAndAddLong(base + LEASE_COUNT_OFFSET, 1) + 1;
                    final ProcessIdentity worker = new ProcessIdentity(
                        buffer.getLong(base + WORKER_PID_OFFSET), buffer.getLong(base + WORKER_START_OFFSET));
                    buffer.putLongOrdered(base + LEASE_WORD_OFFSET, HostDescriptor.leaseWord(self.pid(), LEASED));
                    control.waitBoard().ring(WaitBoard.tagFor(base + LEASE_WORD_OFFSET));
                    buffer.getAndAddLong(LEASES_GRANTED_OFFSET, 1);
                    return new Lease(slot, worker, number);
                }
            }
            if (!waiter.idle())
            {
                throw new Mp4jTimeoutException("no free worker on host: name=" + name + " workers=" +
                    workerCount() + " timeout=" + timeout);
            }
        }
    }

    /** Whether the slot is still claimed or leased by this process. */
    public boolean isLeasedByThisProcess(final int slot)
    {
        final long word = buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + LEASE_WORD_OFFSET);
        final int state = HostDescriptor.state(word);
        return (state == LEASED || state == CLAIMED) && HostDescriptor.claimerPid(word) == ProcessIdentity.current().pid();
    }

    /** Whether the lease still holds: its worker has not handed the slot back, nor has anyone else got it. */
    boolean holds(final Lease lease)
    {
        final int base = HostDescriptor.slotOffset(lease.slot());
        final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
        return HostDescriptor.state(word) == LEASED &&
            HostDescriptor.claimerPid(word) == ProcessIdentity.current().pid() &&
            buffer.getLongVolatile(base + LEASE_COUNT_OFFSET) == lease.number();
    }

    /** Whether the host's JVM is still there, stopping or not. */
    boolean isHostAlive()
    {
        return host.isAlive();
    }

    /**
     * The exit code the host recorded for the slot's worker, if the last worker it recorded there is this one.
     *
     * @return the exit code, or empty while the host has not recorded this worker's end.
     */
    OptionalInt exitCode(final int slot, final ProcessIdentity worker)
    {
        final long word = buffer.getLongVolatile(HostDescriptor.slotOffset(slot) + EXIT_WORD_OFFSET);
        return HostDescriptor.exitedPid(word) == worker.pid() ?
            OptionalInt.of(HostDescriptor.exitCode(word)) : OptionalInt.empty();
    }

    @Override
    public void close()
    {
        control.close();
        session.close();
    }
}
