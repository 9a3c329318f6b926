package io.mp4j;

import io.mp4j.internal.JavaSerialization;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamConstants;
import java.io.ObjectStreamException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Serialized streams that no honest writer makes, for tests of what deserialization refuses.
 */
public final class ForgedStreams
{
    private ForgedStreams()
    {
    }

    /**
     * Checks that deserializing {@link #objectNamingClassItself(Class)} fails as a stream error and builds
     * nothing.
     *
     * @param type a serializable class that travels as a proxy (writeReplace).
     */
    public static void assertRefused(final Class<?> type)
    {
        final byte[] forged = objectNamingClassItself(type);
        final EncodingException ex = assertThrows(EncodingException.class,
            () -> JavaSerialization.deserialize(forged, "forged"));
        assertInstanceOf(ObjectStreamException.class, ex.getCause(), String.valueOf(ex));
    }

    /**
     * A stream holding one object that names the given class itself, with no fields and no superclass
     * data: what an attacker would send to get a handle built without its serialization proxy.
     *
     * @param type a serializable class that travels as a proxy (writeReplace).
     * @return the stream's bytes.
     */
    public static byte[] objectNamingClassItself(final Class<?> type)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeShort(ObjectStreamConstants.STREAM_MAGIC);
            out.writeShort(ObjectStreamConstants.STREAM_VERSION);
            out.writeByte(ObjectStreamConstants.TC_OBJECT);
            out.writeByte(ObjectStreamConstants.TC_CLASSDESC);
            out.writeUTF(type.getName());
            out.writeLong(ObjectStreamClass.lookup(type).getSerialVersionUID());
            out.writeByte(ObjectStreamConstants.SC_SERIALIZABLE);
            out.writeShort(0);
            out.writeByte(ObjectStreamConstants.TC_ENDBLOCKDATA);
            out.writeByte(ObjectStreamConstants.TC_NULL);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }
}
