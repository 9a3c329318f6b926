package io.mp4j.host.internal;

import io.mp4j.Mp4jException;
import io.mp4j.internal.WaitBoard;
import io.mp4j.session.Session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

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
public final class HostDescriptor
{
    /** Prefix of a host's registration file under the session root. */
    public static final String REGISTRATION_PREFIX = "mp4j-host-";

    /** Name of the host's control region in its session. */
    public static final String CONTROL_REGION = "host";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Wait tag on the control region: a worker finished a lease and is free again. */
    public static final int WORKER_FREED_TAG = WaitBoard.MAX_TAG;

    public static final int HOST_PID_OFFSET = 0;
    public static final int HOST_START_OFFSET = HOST_PID_OFFSET + Long.BYTES;
    public static final int HOST_STATE_OFFSET = HOST_START_OFFSET + Long.BYTES;
    public static final int WORKER_COUNT_OFFSET = HOST_STATE_OFFSET + Integer.BYTES;
    public static final int LEASES_GRANTED_OFFSET = WORKER_COUNT_OFFSET + Integer.BYTES;
    public static final int HEADER_LENGTH = 128;

    public static final int LEASE_WORD_OFFSET = 0;
    public static final int WORKER_PID_OFFSET = LEASE_WORD_OFFSET + Long.BYTES;
    public static final int WORKER_START_OFFSET = WORKER_PID_OFFSET + Long.BYTES;
    public static final int OWNER_PID_OFFSET = WORKER_START_OFFSET + Long.BYTES;
    public static final int OWNER_START_OFFSET = OWNER_PID_OFFSET + Long.BYTES;
    public static final int LEASE_COUNT_OFFSET = OWNER_START_OFFSET + Long.BYTES;
    public static final int TASKS_DONE_OFFSET = LEASE_COUNT_OFFSET + Long.BYTES;
    public static final int EXIT_WORD_OFFSET = TASKS_DONE_OFFSET + Long.BYTES;
    public static final int CHANNEL_PATH_LENGTH_OFFSET = EXIT_WORD_OFFSET + Long.BYTES;
    public static final int CHANNEL_PATH_OFFSET = CHANNEL_PATH_LENGTH_OFFSET + Integer.BYTES;
    public static final int SLOT_LENGTH = 512;
    public static final int MAX_CHANNEL_PATH_LENGTH = SLOT_LENGTH - CHANNEL_PATH_OFFSET;

    public static final int HOST_RUNNING = 1;
    public static final int HOST_STOPPING = 2;

    public static final int STARTING = 0;
    public static final int FREE = 1;
    public static final int CLAIMED = 2;
    public static final int LEASED = 3;

    private HostDescriptor()
    {
    }

    public static int bodyLength(final int workers)
    {
        return HEADER_LENGTH + workers * SLOT_LENGTH;
    }

    public static int slotOffset(final int slot)
    {
        return HEADER_LENGTH + slot * SLOT_LENGTH;
    }

    public static long leaseWord(final long claimerPid, final int state)
    {
        return (claimerPid << 8) | state;
    }

    public static int state(final long leaseWord)
    {
        return (int)(leaseWord & 0xFF);
    }

    public static long claimerPid(final long leaseWord)
    {
        return leaseWord >>> 8;
    }

    public static long exitWord(final long workerPid, final int exitCode)
    {
        return (workerPid << 16) | (exitCode & 0xFFFF);
    }

    public static long exitedPid(final long exitWord)
    {
        return exitWord >>> 16;
    }

    public static int exitCode(final long exitWord)
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

    /**
     * The registration file of the host of a name, under the default session root.
     *
     * @param name the host's name.
     * @return the file's path.
     */
    public static Path registrationOf(final String name)
    {
        checkName(name);
        return Session.defaultRoot().resolve(REGISTRATION_PREFIX + name);
    }

    /** The host's session directory and pid, as its registration file holds them. */
    public static String[] readRegistration(final Path registration)
    {
        try
        {
            final String[] lines = Files.readString(registration, StandardCharsets.UTF_8).split("\n");
            if (lines.length < 2)
            {
                throw new Mp4jException("worker host registration is incomplete: file=" + registration);
            }
            return lines;
        }
        catch (final NoSuchFileException ex)
        {
            throw new Mp4jException("no worker host of that name is running: file=" + registration);
        }
        catch (final AccessDeniedException ex)
        {
            throw new Mp4jException("cannot read worker host registration (owned by another user?): file=" +
                registration, ex);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read worker host registration: file=" + registration, ex);
        }
    }

    /**
     * Refuses a name that cannot name a host.
     *
     * @param name the host's name.
     */
    public static void checkName(final String name)
    {
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("invalid worker host name: name=" + name +
                " (1-64 of letters, digits, '.', '_', '-'; not starting with a symbol)");
        }
    }
}
