package io.mp4j.process.internal;

import io.mp4j.EncodingException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What a parent hands a child through the session (never the command line): the child's name, its
 * identity (Python's {@code _identity}, e.g. {@code 1:2} for the second child of the first child), its
 * daemon flag, the parent's pid and name and the serialized target. Layout: magic, version, name,
 * identity, daemon, parent pid, parent name, target length, target bytes.
 */
public record ChildSpec(String name, String identity, boolean daemon, long parentPid, String parentName, byte[] target)
{
    private static final int MAGIC = 0x4D50_4348; // "MPCH"
    private static final int VERSION = 2;

    public byte[] encode()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(target.length + 64);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(name);
            out.writeUTF(identity);
            out.writeBoolean(daemon);
            out.writeLong(parentPid);
            out.writeUTF(parentName);
            out.writeInt(target.length);
            out.write(target);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("in-memory stream cannot fail", ex);
        }
        return bytes.toByteArray();
    }

    public static ChildSpec decode(final byte[] bytes)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            final int magic = in.readInt();
            final int version = in.readInt();
            if (magic != MAGIC || version != VERSION)
            {
                throw new EncodingException("not a child spec of this mp4j version: magic=0x" +
                    Integer.toHexString(magic) + " version=" + version + " expectedVersion=" + VERSION, null);
            }
            final String name = in.readUTF();
            final String identity = in.readUTF();
            final boolean daemon = in.readBoolean();
            final long parentPid = in.readLong();
            final String parentName = in.readUTF();
            final byte[] target = new byte[in.readInt()];
            in.readFully(target);
            return new ChildSpec(name, identity, daemon, parentPid, parentName, target);
        }
        catch (final IOException ex)
        {
            throw new EncodingException("truncated child spec: length=" + bytes.length, ex);
        }
    }
}
