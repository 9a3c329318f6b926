package io.mp4j.internal.channel;

import io.mp4j.Mp4jException;
import io.mp4j.session.Session;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A message too large for its ring, written whole to a file of the session (owner-only, renamed into
 * place so a reader never sees it half-written); the ring carries only the file's name. The reader takes
 * the file, which deletes it; a file nobody read goes with the session. A writer may exit at once: the
 * message lives in the file, not in the writer.
 */
public final class SpillFile
{
    /** Prefix of a spill file's name in the session directory. */
    public static final String PREFIX = "spill";

    private SpillFile()
    {
    }

    /**
     * Writes a payload to a new spill file.
     *
     * @param session the session the ring lives in.
     * @param payload the message's bytes.
     * @return the file's name within the session, to put in the ring.
     */
    public static String write(final Session session, final byte[] payload)
    {
        final String name = session.uniqueName(PREFIX);
        session.writeAtomically(name, payload);
        return name;
    }

    /**
     * Reads a spill file and deletes it.
     *
     * @param session the session the ring lives in.
     * @param name    the name the ring carried.
     * @return the message's bytes.
     */
    public static byte[] take(final Session session, final String name)
    {
        final Path file = session.file(name);
        try
        {
            final byte[] payload = Files.readAllBytes(file);
            Files.delete(file);
            return payload;
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read spilled message: file=" + file, ex);
        }
    }

    /**
     * Reads a spill file and leaves it in place, for a reader that must not lose the message if it dies
     * before its read is committed (a queue's consumer); it deletes the file with
     * {@link #discard(Session, String)} once committed.
     *
     * @param session the session the ring lives in.
     * @param name    the name the ring carried.
     * @return the message's bytes.
     */
    public static byte[] read(final Session session, final String name)
    {
        final Path file = session.file(name);
        try
        {
            return Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new Mp4jException("cannot read spilled message: file=" + file, ex);
        }
    }

    /**
     * Deletes a spill file whose name never reached the ring (the ring was full), or whose message has
     * been read with {@link #read(Session, String)}.
     *
     * @param session the session the ring lives in.
     * @param name    the file's name.
     */
    public static void discard(final Session session, final String name)
    {
        try
        {
            Files.deleteIfExists(session.directory().resolve(name));
        }
        catch (final IOException ex)
        {
            // The session's removal deletes what is left.
        }
    }
}
