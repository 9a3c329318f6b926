package io.mp4j.internal;

import io.mp4j.DeserializationRejectedException;
import io.mp4j.EncodingException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.io.ObjectOutputStream;

/**
 * Java serialization with the errors mp4j promises: a value that cannot cross to another process fails
 * here, in the sender, with a message that names the offending class. A serializable lambda whose
 * captured values are plain (null, strings, boxed primitives, enum constants, other such lambdas) is written in a short
 * form of its own instead, which the receiver rebuilds without starting Java serialization (see
 * {@link LambdaCodec}); {@link #deserialize} reads both.
 */
public final class JavaSerialization
{
    /** Whether this class has read a Java serialization stream in this JVM, which starts the JVM-wide filter's configuration. */
    private static volatile boolean streamRead;

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
        final byte[] lambda = LambdaCodec.encode(value);
        if (lambda != null)
        {
            return lambda;
        }
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
     * loader (falling back to mp4j's own), through the {@link SerialFilter}. An encoded lambda is checked
     * as the stream of its {@link java.lang.invoke.SerializedLambda} would be: against mp4j's filter, and
     * against the JVM-wide filter (and filter factory) where a {@code jdk.serialFilter} or
     * {@code jdk.serialFilterFactory} system or security property names one or once this class has read
     * a stream in this JVM. A JVM-wide filter that a program sets through {@code ObjectInputFilter.Config}
     * before then is not consulted for it: looking it up would start Java serialization, the ~10 ms a
     * child JVM's start is spared.
     *
     * @param bytes the serialized bytes.
     * @param what  what the value is, for the error message.
     * @return the value.
     * @throws DeserializationRejectedException if the filter refused a class or a limit was crossed.
     * @throws EncodingException                if the bytes are corrupt or name a class this JVM cannot load.
     */
    public static Object deserialize(final byte[] bytes, final String what)
    {
        if (!LambdaCodec.isEncodedLambda(bytes))
        {
            streamRead = true;
            return readStream(bytes, what, SerialFilter.forStream(bytes.length));
        }
        if (streamRead || SerialFilter.jvmWideNamed())
        {
            final SerialFilter filter = SerialFilter.forStream(bytes.length);
            return decodeLambda(bytes, what, filter, filter.asStreamWould());
        }
        // Java serialization has not started here, unless a program's own code started it: it is left unstarted.
        final SerialFilter filter = SerialFilter.withoutJvmWide(bytes.length);
        return decodeLambda(bytes, what, filter, filter);
    }

    /**
     * Loads a class named in serialized bytes: with this thread's context class loader first, e.g. a cluster
     * node's application loader, then with mp4j's own.
     */
    static Class<?> loadClass(final String name) throws ClassNotFoundException
    {
        final Class<?> type = fromContextLoader(name);
        return type != null ? type : Class.forName(name, false, JavaSerialization.class.getClassLoader());
    }

    /** A class as this thread's context class loader has it, or null if there is none or it has not. */
    private static Class<?> fromContextLoader(final String name)
    {
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null)
        {
            try
            {
                return Class.forName(name, false, context);
            }
            catch (final ClassNotFoundException ex)
            {
                // A class only mp4j's own loader sees, or a primitive type: the caller's fallback.
            }
        }
        return null;
    }

    /** Decodes a lambda, checked by {@code checkedBy}: the filter, or the filter as a stream would apply it. */
    private static Object decodeLambda(
        final byte[] bytes, final String what, final SerialFilter filter, final ObjectInputFilter checkedBy)
    {
        try
        {
            return LambdaCodec.decode(bytes, checkedBy);
        }
        catch (final ClassNotFoundException ex)
        {
            throw new EncodingException(what + " names a class this JVM cannot load: class=" + ex.getMessage() +
                " (is it on this JVM's classpath?)", ex);
        }
        catch (final LambdaCodec.LambdaRejectedException ex)
        {
            final String rejected = filter.rejected() != null ? filter.rejected() : ex.getMessage() + " jdk.serialFilterFactory";
            throw new DeserializationRejectedException(what + " rejected by the deserialization filter: " +
                rejected + " length=" + bytes.length, ex);
        }
        catch (final Exception ex)
        {
            throw new EncodingException(what + " cannot be deserialized: length=" + bytes.length + " error=" + ex, ex);
        }
    }

    private static Object readStream(final byte[] bytes, final String what, final SerialFilter filter)
    {
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
            final Class<?> type = fromContextLoader(description.getName());
            return type != null ? type : super.resolveClass(description);
        }
    }
}
