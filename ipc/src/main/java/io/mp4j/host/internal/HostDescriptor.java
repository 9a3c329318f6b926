package io.mp4j.host.internal;

import io.mp4j.RegionLayoutException;
import io.mp4j.internal.WaitBoard;
import io.mp4j.session.Session;
import org.agrona.concurrent.AtomicBuffer;

import java.nio.charset.StandardCharsets;
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
 *  |                     Layout Version                            |
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
 *  |     Channel Path, or Restart Request File (UTF-8, to 480)    ...
 *  +---------------------------------------------------------------+
 *  |          Class Path Digest (SHA-256, 32 bytes, to 512)       ...
 *  +---------------------------------------------------------------+
 * </pre>
 * A slot's state moves STARTING → FREE (the worker waits) → CLAIMED (a client won the CAS and writes
 * its lease) → LEASED (the worker serves the client's channel) → FREE, or → STARTING when the worker
 * retires (a hosted child left threads in it) and the host starts another. The claimer's pid sits in the
 * lease word itself, so a claim whose client died before finishing it can be taken back. The host,
 * the parent of every worker, writes the exit code of a worker that died into the exit word before it
 * starts the replacement, so that a client whose hosted child's worker died can tell how it ended.
 * <p>
 * The class path digest is that of the {@link ClassPathFingerprint} of the worker's classpath, which the
 * host writes when it starts the worker (at its own start, once it has taken the fingerprint while its
 * first workers' JVMs start: a client leases no worker whose digest is still all zero), and whose
 * entries it publishes in the file
 * {@code classpath-<digest in hex>} of its session. A client whose classpath the worker does not serve
 * may ask for a worker on its own: it claims the slot, writes a {@link ClassPathFingerprint} of its
 * classpath to a request file in the host's session, puts the file's name where the channel path goes
 * and moves CLAIMED → RESTARTING. The host either stops the worker and moves RESTARTING → STARTING with
 * the claimer's pid kept, so that the new worker, on the client's classpath, comes up CLAIMED for that
 * client rather than FREE; or it writes why not to the file {@code <request>.refused} and frees the slot.
 * Layout version 1 had no version word (it reads 0) and no class path digest.
 */
public final class HostDescriptor
{
    /** Prefix of a host's registration file under the session root. */
    public static final String REGISTRATION_PREFIX = "mp4j-host-";

    /** Name of the host's control region in its session. */
    public static final String CONTROL_REGION = "host";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Prefix of the session file that lists a worker classpath's entries: {@code classpath-<digest in hex>}. */
    public static final String CLASS_PATH_FILE_PREFIX = "classpath-";

    /** Prefix of a client's request for a worker on its classpath, a file in the host's session. */
    public static final String RESTART_REQUEST_PREFIX = "restart";

    /** Suffix of the file in which the host says why it did not restart a worker as asked. */
    public static final String REFUSED_SUFFIX = ".refused";

    /** Version of this layout, in the host header; a client or worker of another version is refused. */
    public static final int LAYOUT_VERSION = 2;

    /** Wait tag on the control region: a worker finished a lease and is free again, or came up claimed. */
    public static final int WORKER_FREED_TAG = WaitBoard.MAX_TAG;

    /** Wait tag on the control region: a client asks the host to restart a worker on its classpath. */
    public static final int RESTART_REQUESTED_TAG = WaitBoard.MAX_TAG - 1;

    public static final int HOST_PID_OFFSET = 0;
    public static final int HOST_START_OFFSET = HOST_PID_OFFSET + Long.BYTES;
    public static final int HOST_STATE_OFFSET = HOST_START_OFFSET + Long.BYTES;
    public static final int WORKER_COUNT_OFFSET = HOST_STATE_OFFSET + Integer.BYTES;
    public static final int LEASES_GRANTED_OFFSET = WORKER_COUNT_OFFSET + Integer.BYTES;
    public static final int LAYOUT_VERSION_OFFSET = LEASES_GRANTED_OFFSET + Long.BYTES;
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
    public static final int CLASS_PATH_DIGEST_LENGTH = 32;
    public static final int CLASS_PATH_DIGEST_OFFSET = SLOT_LENGTH - CLASS_PATH_DIGEST_LENGTH;
    public static final int MAX_CHANNEL_PATH_LENGTH = CLASS_PATH_DIGEST_OFFSET - CHANNEL_PATH_OFFSET;

    public static final int HOST_RUNNING = 1;
    public static final int HOST_STOPPING = 2;

    public static final int STARTING = 0;
    public static final int FREE = 1;
    public static final int CLAIMED = 2;
    public static final int LEASED = 3;
    public static final int RESTARTING = 4;

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

    /**
     * Refuses a control region of another layout version, e.g. a host started by an older mp4j.
     *
     * @param buffer the control region's body.
     * @param name   the host's name, for the message.
     * @param reader who reads it, for the message: {@code client} or {@code worker}.
     * @throws RegionLayoutException if the layout is not this one.
     */
    public static void checkLayout(final AtomicBuffer buffer, final String name, final String reader)
    {
        final int version = Math.max(1, buffer.getInt(LAYOUT_VERSION_OFFSET));
        if (version != LAYOUT_VERSION)
        {
            throw new RegionLayoutException("worker host of another mp4j layout: name=" + name + " pid=" +
                buffer.getLong(HOST_PID_OFFSET) + " version=" + version + " expected=" + LAYOUT_VERSION +
                " (the host and this " + reader + " run different mp4j versions: restart the host with this one)");
        }
    }

    /**
     * The class path digest of a slot's worker.
     *
     * @param buffer the control region's body.
     * @param slot   the slot.
     * @return 32 bytes, all zero while the host has not written one.
     */
    public static byte[] classPathDigest(final AtomicBuffer buffer, final int slot)
    {
        final byte[] digest = new byte[CLASS_PATH_DIGEST_LENGTH];
        buffer.getBytes(slotOffset(slot) + CLASS_PATH_DIGEST_OFFSET, digest);
        return digest;
    }

    /**
     * The text a slot holds where the channel path goes: the channel's path, or a restart request's file.
     *
     * @param buffer the control region's body.
     * @param base   the slot's offset.
     * @return the text, empty if its length is out of range.
     */
    public static String slotText(final AtomicBuffer buffer, final int base)
    {
        final int length = buffer.getInt(base + CHANNEL_PATH_LENGTH_OFFSET);
        if (length < 0 || length > MAX_CHANNEL_PATH_LENGTH)
        {
            return "";
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(base + CHANNEL_PATH_OFFSET, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Puts text where the channel path goes; see {@link #encodePath(String)}. */
    static void slotText(final AtomicBuffer buffer, final int base, final byte[] text)
    {
        buffer.putInt(base + CHANNEL_PATH_LENGTH_OFFSET, text.length);
        buffer.putBytes(base + CHANNEL_PATH_OFFSET, text);
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
