package io.mp4j.ipc;

import io.mp4j.core.WaitBoard;

import java.nio.charset.StandardCharsets;

/**
 * The layout of a worker host's control region: the host's identity and state, then one slot per warm
 * worker, each on its own cache lines, through which a client leases the worker.
 * <pre>
 *  Host header (128 bytes):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Host Pid                             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Host Start Time (epoch millis)                |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Host State                             |
 *  +---------------------------------------------------------------+
 *  |                       Worker Count                            |
 *  +---------------------------------------------------------------+
 *  |                     Leases Granted                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Reserved (to 128)                       ...
 *  +---------------------------------------------------------------+
 *
 *  Worker slot (512 bytes each, from offset 128):
 *  +---------------------------------------------------------------+
 *  |        Lease Word: claimer pid (high 56 bits), state (low 8)  |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Worker Pid, Worker Start Time                 |
 *  |                                                              ...
 *  +---------------------------------------------------------------+
 *  |                 Owner Pid, Owner Start Time                   |
 *  |                                                              ...
 *  +---------------------------------------------------------------+
 *  |                        Lease Count                            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Tasks Done                             |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   Exit Word: last dead worker's pid (high 48), exit code (16) |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Channel Path Length                         |
 *  +---------------------------------------------------------------+
 *  |                 Channel Path (UTF-8, to 512)                 ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A slot's state moves STARTING → FREE (the worker waits) → CLAIMED (a client won the CAS and writes
 * its lease) → LEASED (the worker serves the client's channel) → FREE, or → STARTING when the worker
 * retires (a hosted child left threads in it) and the host starts another. The claimer's pid sits in the
 * lease word itself, so a claim whose client died before finishing it can be taken back. The host,
 * the parent of every worker, writes the exit code of a worker that died into the exit word before it
 * starts the replacement, so that a client whose hosted child's worker died can tell how it ended.
 */
final class HostDescriptor
{
    /** Wait tag on the control region: a worker finished a lease and is free again. */
    static final int WORKER_FREED_TAG = WaitBoard.MAX_TAG;

    static final int HOST_PID_OFFSET = 0;
    static final int HOST_START_OFFSET = HOST_PID_OFFSET + Long.BYTES;
    static final int HOST_STATE_OFFSET = HOST_START_OFFSET + Long.BYTES;
    static final int WORKER_COUNT_OFFSET = HOST_STATE_OFFSET + Integer.BYTES;
    static final int LEASES_GRANTED_OFFSET = WORKER_COUNT_OFFSET + Integer.BYTES;
    static final int HEADER_LENGTH = 128;

    static final int LEASE_WORD_OFFSET = 0;
    static final int WORKER_PID_OFFSET = LEASE_WORD_OFFSET + Long.BYTES;
    static final int WORKER_START_OFFSET = WORKER_PID_OFFSET + Long.BYTES;
    static final int OWNER_PID_OFFSET = WORKER_START_OFFSET + Long.BYTES;
    static final int OWNER_START_OFFSET = OWNER_PID_OFFSET + Long.BYTES;
    static final int LEASE_COUNT_OFFSET = OWNER_START_OFFSET + Long.BYTES;
    static final int TASKS_DONE_OFFSET = LEASE_COUNT_OFFSET + Long.BYTES;
    static final int EXIT_WORD_OFFSET = TASKS_DONE_OFFSET + Long.BYTES;
    static final int CHANNEL_PATH_LENGTH_OFFSET = EXIT_WORD_OFFSET + Long.BYTES;
    static final int CHANNEL_PATH_OFFSET = CHANNEL_PATH_LENGTH_OFFSET + Integer.BYTES;
    static final int SLOT_LENGTH = 512;
    static final int MAX_CHANNEL_PATH_LENGTH = SLOT_LENGTH - CHANNEL_PATH_OFFSET;

    static final int HOST_RUNNING = 1;
    static final int HOST_STOPPING = 2;

    static final int STARTING = 0;
    static final int FREE = 1;
    static final int CLAIMED = 2;
    static final int LEASED = 3;

    private HostDescriptor()
    {
    }

    static int bodyLength(final int workers)
    {
        return HEADER_LENGTH + workers * SLOT_LENGTH;
    }

    static int slotOffset(final int slot)
    {
        return HEADER_LENGTH + slot * SLOT_LENGTH;
    }

    static long leaseWord(final long claimerPid, final int state)
    {
        return (claimerPid << 8) | state;
    }

    static int state(final long leaseWord)
    {
        return (int)(leaseWord & 0xFF);
    }

    static long claimerPid(final long leaseWord)
    {
        return leaseWord >>> 8;
    }

    static long exitWord(final long workerPid, final int exitCode)
    {
        return (workerPid << 16) | (exitCode & 0xFFFF);
    }

    static long exitedPid(final long exitWord)
    {
        return exitWord >>> 16;
    }

    static int exitCode(final long exitWord)
    {
        return (short)(exitWord & 0xFFFF);
    }

    static byte[] encodePath(final String path)
    {
        final byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_CHANNEL_PATH_LENGTH)
        {
            throw new IllegalArgumentException("channel path too long for a host slot: path=" + path +
                " length=" + bytes.length + " max=" + MAX_CHANNEL_PATH_LENGTH);
        }
        return bytes;
    }
}
