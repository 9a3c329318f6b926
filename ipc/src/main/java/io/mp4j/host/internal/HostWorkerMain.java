package io.mp4j.host.internal;

import io.mp4j.WaitStrategy;
import io.mp4j.internal.ProcessIdentity;
import io.mp4j.internal.WaitBoard;
import io.mp4j.internal.Waiter;
import io.mp4j.internal.region.Region;
import io.mp4j.internal.region.RegionKind;
import io.mp4j.process.internal.ChildMain;
import io.mp4j.session.Session;
import io.mp4j.worker.internal.PoolChannel;
import io.mp4j.worker.internal.PoolWorkerMain;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.file.Paths;

import static io.mp4j.host.internal.HostDescriptor.CLAIMED;
import static io.mp4j.host.internal.HostDescriptor.FREE;
import static io.mp4j.host.internal.HostDescriptor.LEASED;
import static io.mp4j.host.internal.HostDescriptor.LEASE_WORD_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.OWNER_START_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.STARTING;
import static io.mp4j.host.internal.HostDescriptor.TASKS_DONE_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_PID_OFFSET;
import static io.mp4j.host.internal.HostDescriptor.WORKER_START_OFFSET;

/**
 * The loop of a worker host's warm worker: wait in its slot until a client leases it, serve the
 * client's pool channel until the client stops it or dies, free the slot, wait again. A worker whose
 * hosted child left threads running ends instead, and the host starts another. Runs in the worker JVM's
 * main thread; the host's death ends the JVM through its lifeline.
 *
 * @param slot         the worker's slot in the host's control region.
 * @param waitStrategy how to wait for leases and tasks.
 */
public record HostWorkerMain(int slot, WaitStrategy waitStrategy)
{
    /** How long a retiring worker's exit may take before it halts. */
    private static final long RETIRE_EXIT_MILLIS = 30_000;

    /** Serves leases in this worker JVM until the host stops it or the worker retires. */
    public void run()
    {
        try (Region control = Region.attach(Session.current(), HostDescriptor.CONTROL_REGION, RegionKind.HOST))
        {
            final AtomicBuffer buffer = control.body();
            HostDescriptor.checkLayout(buffer, String.valueOf(Session.current().directory()), "worker");
            final int base = HostDescriptor.slotOffset(slot);
            final ProcessIdentity self = ProcessIdentity.current();
            buffer.putLong(base + WORKER_PID_OFFSET, self.pid());
            buffer.putLong(base + WORKER_START_OFFSET, self.startEpochMilli());
            comeUp(buffer, base);
            control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);

            final Waiter waiter = Waiter.begin(
                waitStrategy, control.waitBoard(), WaitBoard.tagFor(base + LEASE_WORD_OFFSET), Waiter.NO_TIMEOUT);
            try
            {
                while (true)
                {
                    final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
                    if (HostDescriptor.state(word) != LEASED)
                    {
                        waiter.idle();
                        continue;
                    }
                    waiter.restart();
                    if (serveLease(buffer, base))
                    {
                        // Not leasable while this JVM exits; the host sees the exit and starts another.
                        buffer.putLongOrdered(base + LEASE_WORD_OFFSET, HostDescriptor.leaseWord(0, STARTING));
                        haltIfExitHangs();
                        return;
                    }
                    buffer.putLongOrdered(base + LEASE_WORD_OFFSET, HostDescriptor.leaseWord(0, FREE));
                    control.waitBoard().ring(HostDescriptor.WORKER_FREED_TAG);
                }
            }
            finally
            {
                waiter.end();
            }
        }
    }

    /**
     * Makes the slot leasable: FREE, or CLAIMED by the client this worker was started for (a client whose
     * classpath the previous worker did not serve), unless that client gave up waiting meanwhile.
     */
    private static void comeUp(final AtomicBuffer buffer, final int base)
    {
        while (true)
        {
            final long word = buffer.getLongVolatile(base + LEASE_WORD_OFFSET);
            final long claimer = HostDescriptor.state(word) == STARTING ? HostDescriptor.claimerPid(word) : 0;
            final long next = claimer != 0 ?
                HostDescriptor.leaseWord(claimer, CLAIMED) : HostDescriptor.leaseWord(0, FREE);
            if (buffer.compareAndSetLong(base + LEASE_WORD_OFFSET, word, next))
            {
                return;
            }
        }
    }

    /**
     * The retiring JVM's exit joins the children its last target left and runs the target's shutdown
     * hooks; one that hangs must not cost the host this worker's slot for good.
     */
    private static void haltIfExitHangs()
    {
        final Thread watchdog = new Thread(() ->
        {
            try
            {
                Thread.sleep(RETIRE_EXIT_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            Runtime.getRuntime().halt(ChildMain.FAILED_EXIT_CODE);
        }, "mp4j-retire-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** @return true if this worker must retire, see {@link PoolWorkerMain#serve}. */
    private boolean serveLease(final AtomicBuffer buffer, final int base)
    {
        final ProcessIdentity owner = new ProcessIdentity(
            buffer.getLong(base + OWNER_PID_OFFSET), buffer.getLong(base + OWNER_START_OFFSET));
        final String path = HostDescriptor.slotText(buffer, base);

        final PoolChannel channel;
        try
        {
            channel = PoolChannel.attach(Paths.get(path));
        }
        catch (final RuntimeException ex)
        {
            // The client died, or removed its channel, before this worker got to it.
            return false;
        }
        try (channel)
        {
            return PoolWorkerMain.serve(channel, waitStrategy, owner::isAlive,
                () -> buffer.getAndAddLong(base + TASKS_DONE_OFFSET, 1));
        }
    }
}
