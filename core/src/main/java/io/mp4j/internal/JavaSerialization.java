package io.mp4j.internal;

import io.mp4j.DeserializationRejectedException;
import io.mp4j.EncodingException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectOutputStream;

/**
 * Java serialization with the errors mp4j promises: a value that cannot cross to another process fails
 * here, in the sender, with a message that names the offending class.
 */
public final class JavaSerialization
{
    private JavaSerialization()
    {
    }

    /**
     * Serializes a value.
     *
     * @param value what to serialize, e.g. a child's target.
     * @param what  what the value is, for the error message, e.g. {@code "target"}.
     * @return the serialized bytes.
     * @throws EncodingException if the value, or anything it refers to, is not serializable.
     */
    public static byte[] serialize(final Object value, final String what)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(value);
        }
        catch (final NotSerializableException ex)
        {
            throw new EncodingException(what + " is not serializable: class=" + ex.getMessage() +
                " (it, or a value it captures, must implement java.io.Serializable)", ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new EncodingException(what + " cannot be serialized: class=" +
                (value == null ? "null" : value.getClass().getName()) + " error=" + ex, ex);
        }
        return bytes.toByteArray();
    }

    /**
     * Deserializes what {@link #serialize(Object, String)} produced, with this thread's context class
     * loader (falling back to mp4j's own), through the {@link SerialFilter}.
     *
     * @param bytes the serialized bytes.
     * @param what  what the value is, for the error message.
     * @return the value.
     * @throws DeserializationRejectedException if the filter refused a class or a limit was crossed.
     * @throws EncodingException                if the bytes are corrupt or name a class this JVM cannot load.
     */
    public static Object deserialize(final byte[] bytes, final String what)
    {
        final SerialFilter filter = SerialFilter.forStream(bytes.length);
        try (ObjectInputStream in = new ContextLoaderInputStream(new ByteArrayInputStream(bytes)))
        {
            in.setObjectInputFilter(filter);
            return in.readObject();
        }
        catch (final ClassNotFoundException ex)
        {
            throw new EncodingException(what + " names a class this JVM cannot load: class=" + ex.getMessage() +
                " (is it on this JVM's classpath?)", ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            if (filter.rejected() != null)
            {
                throw new DeserializationRejectedException(what + " rejected by the deserialization filter: " +
                    filter.rejected() + " length=" + bytes.length, ex);
            }
            throw new EncodingException(what + " cannot be deserialized: length=" + bytes.length + " error=" + ex, ex);
        }
    }

    /** Resolves classes with the thread's context class loader first, e.g. a cluster node's application loader. */
    private static final class ContextLoaderInputStream extends ObjectInputStream
    {
        ContextLoaderInputStream(final InputStream in) throws IOException
        {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(final ObjectStreamClass description) throws IOException, ClassNotFoundException
        {
            final ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null)
            {
                try
                {
                    return Class.forName(description.getName(), false, context);
                }
                catch (final ClassNotFoundException ex)
                {
                    // Primitive types and classes only mp4j's own loader sees: the default resolution below.
                }
            }
            return super.resolveClass(description);
        }
    }
}
