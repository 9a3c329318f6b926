package io.mp4j.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * A serializable lambda in a few bytes, rebuilt without {@link java.io.ObjectInputStream}: the fields of
 * its {@link SerializedLambda} and its captured values, when each is null, a {@link String}, a boxed
 * primitive, an enum constant or another such lambda. The receiving JVM calls the capturing class's
 * {@code $deserializeLambda$}, as {@code SerializedLambda.readResolve} does, so the result is the lambda Java
 * serialization would have made. What it spares a JVM that has not used Java serialization yet is the cost
 * of starting it (the JVM-wide filter's configuration, its logger's service lookup, a generated constructor
 * per class): about 15 ms of a child JVM's start on JDK 17.
 * <p>
 * Other values, lambdas whose class this module may not open, and method references that capture
 * anything else are left to Java serialization ({@link #encode} returns null).
 *
 * <pre>
 *   lambda   := MAGIC body
 *   body     := capturingClass functionalInterfaceClass functionalInterfaceMethodName
 *               functionalInterfaceMethodSignature implClass implMethodName implMethodSignature
 *               (UTF each, the JVM's internal names) implMethodKind:u8 instantiatedMethodType:UTF
 *               count:u8 value*count
 *   value    := tag:u8 payload      (tags below; a LAMBDA's payload is a body, an ENUM's its class and name)
 * </pre>
 */
final class LambdaCodec
{
    /** The first four bytes of an encoded lambda ("mp4" and 0xCE); a Java serialization stream starts with 0xACED. */
    static final int MAGIC = 0x6D70_34CE;

    private static final int MAX_DEPTH = 8;
    private static final int MAX_CAPTURED = 255;
    private static final byte NULL = 0;
    private static final byte STRING = 1;
    private static final byte BOOLEAN = 2;
    private static final byte BYTE = 3;
    private static final byte SHORT = 4;
    private static final byte CHARACTER = 5;
    private static final byte INTEGER = 6;
    private static final byte LONG = 7;
    private static final byte FLOAT = 8;
    private static final byte DOUBLE = 9;
    private static final byte LAMBDA = 10;
    private static final byte ENUM = 11;
    private static final int MAX_UTF_LENGTH = 65_535 / 3;

    private LambdaCodec()
    {
    }

    /**
     * Whether the bytes are an encoded lambda rather than a Java serialization stream.
     *
     * @param bytes what {@link JavaSerialization#serialize} made.
     * @return true if {@link #decode} reads them.
     */
    static boolean isEncodedLambda(final byte[] bytes)
    {
        return bytes.length >= 4 &&
            ((bytes[0] & 0xFF) << 24 | (bytes[1] & 0xFF) << 16 | (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF) == MAGIC;
    }

    /**
     * The value as an encoded lambda, if it is one that this codec can carry.
     *
     * @param value anything.
     * @return the bytes, or null if the value needs Java serialization.
     */
    static byte[] encode(final Object value)
    {
        final SerializedLambda lambda = serializedForm(value);
        if (lambda == null)
        {
            return null;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            out.writeInt(MAGIC);
            return writeBody(out, lambda, 0) ? bytes.toByteArray() : null;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot write to memory", ex);
        }
    }

    /**
     * Rebuilds an encoded lambda, with the given filter's checks on what a stream of it would hold: the
     * {@link SerializedLambda}, its array of captured values, and each value.
     *
     * @param bytes  bytes that {@link #isEncodedLambda} accepts.
     * @param filter the filter, or null for none.
     * @return the lambda.
     * @throws IOException                 if the bytes are corrupt.
     * @throws ClassNotFoundException      if the capturing class cannot be loaded.
     * @throws LambdaRejectedException     if the filter refused a class or a limit.
     * @throws ReflectiveOperationException if the capturing class refuses to rebuild it.
     */
    static Object decode(final byte[] bytes, final ObjectInputFilter filter) throws Exception
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            if (in.readInt() != MAGIC)
            {
                throw new IOException("not an encoded lambda");
            }
            final Object lambda = readBody(in, filter, bytes.length, 1);
            if (in.read() != -1)
            {
                throw new IOException("trailing bytes after the lambda");
            }
            return lambda;
        }
    }

    /** Thrown by {@link #decode} when the filter refuses; {@link JavaSerialization} names what. */
    static final class LambdaRejectedException extends IOException
    {
        private static final long serialVersionUID = 1L;

        LambdaRejectedException(final String message)
        {
            super(message);
        }
    }

    private static SerializedLambda serializedForm(final Object value)
    {
        if (!(value instanceof Serializable) || !value.getClass().isSynthetic() || !value.getClass().isHidden())
        {
            return null;
        }
        try
        {
            final Method writeReplace = value.getClass().getDeclaredMethod("writeReplace");
            if (!writeReplace.trySetAccessible())
            {
                return null;
            }
            final Object replaced = writeReplace.invoke(value);
            return replaced instanceof SerializedLambda lambda && opensItsDeserializer(lambda, value) ? lambda : null;
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            return null; // not a lambda after all, or one that only Java serialization can write
        }
    }

    /**
     * Whether the receiving side, in the same module layout, may call the capturing class's deserializer:
     * its package, which the lambda's class shares, is open to this module (any package on the classpath is).
     */
    private static boolean opensItsDeserializer(final SerializedLambda lambda, final Object value)
    {
        final String capturing = lambda.getCapturingClass().replace('/', '.');
        final String packageName = capturing.substring(0, Math.max(0, capturing.lastIndexOf('.')));
        return packageName.equals(value.getClass().getPackageName()) &&
            value.getClass().getModule().isOpen(packageName, LambdaCodec.class.getModule());
    }

    private static boolean writeBody(final DataOutputStream out, final SerializedLambda lambda, final int depth)
        throws IOException
    {
        if (depth >= MAX_DEPTH || lambda.getCapturedArgCount() > MAX_CAPTURED)
        {
            return false;
        }
        for (final String text : List.of(lambda.getCapturingClass(), lambda.getFunctionalInterfaceClass(),
            lambda.getFunctionalInterfaceMethodName(), lambda.getFunctionalInterfaceMethodSignature(),
            lambda.getImplClass(), lambda.getImplMethodName(), lambda.getImplMethodSignature()))
        {
            out.writeUTF(text);
        }
        out.writeByte(lambda.getImplMethodKind());
        out.writeUTF(lambda.getInstantiatedMethodType());
        out.writeByte(lambda.getCapturedArgCount());
        for (int i = 0; i < lambda.getCapturedArgCount(); i++)
        {
            if (!writeValue(out, lambda.getCapturedArg(i), depth))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean writeValue(final DataOutputStream out, final Object value, final int depth) throws IOException
    {
        if (value == null)
        {
            out.writeByte(NULL);
        }
        else if (value instanceof String text)
        {
            if (text.length() > MAX_UTF_LENGTH)
            {
                return false; // writeUTF's limit; such a capture is left to Java serialization
            }
            out.writeByte(STRING);
            out.writeUTF(text);
        }
        else if (value instanceof Integer number)
        {
            out.writeByte(INTEGER);
            out.writeInt(number);
        }
        else if (value instanceof Long number)
        {
            out.writeByte(LONG);
            out.writeLong(number);
        }
        else if (value instanceof Double number)
        {
            out.writeByte(DOUBLE);
            out.writeDouble(number);
        }
        else if (value instanceof Boolean flag)
        {
            out.writeByte(BOOLEAN);
            out.writeBoolean(flag);
        }
        else if (value instanceof Byte number)
        {
            out.writeByte(BYTE);
            out.writeByte(number);
        }
        else if (value instanceof Short number)
        {
            out.writeByte(SHORT);
            out.writeShort(number);
        }
        else if (value instanceof Character character)
        {
            out.writeByte(CHARACTER);
            out.writeChar(character);
        }
        else if (value instanceof Float number)
        {
            out.writeByte(FLOAT);
            out.writeFloat(number);
        }
        else if (value instanceof Enum<?> constant)
        {
            out.writeByte(ENUM);
            out.writeUTF(constant.getDeclaringClass().getName());
            out.writeUTF(constant.name());
        }
        else
        {
            final SerializedLambda nested = serializedForm(value);
            if (nested == null)
            {
                return false;
            }
            out.writeByte(LAMBDA);
            return writeBody(out, nested, depth + 1);
        }
        return true;
    }

    private static Object readBody(final DataInputStream in, final ObjectInputFilter filter, final long length,
        final int depth) throws Exception
    {
        check(filter, SerializedLambda.class, -1, depth, length);
        final String capturingClass = in.readUTF();
        final String functionalInterfaceClass = in.readUTF();
        final String functionalInterfaceMethodName = in.readUTF();
        final String functionalInterfaceMethodSignature = in.readUTF();
        final String implClass = in.readUTF();
        final String implMethodName = in.readUTF();
        final String implMethodSignature = in.readUTF();
        final int implMethodKind = in.readUnsignedByte();
        final String instantiatedMethodType = in.readUTF();
        final int count = in.readUnsignedByte();
        check(filter, Object[].class, count, depth + 1, length);
        final List<Object> captured = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            captured.add(readValue(in, filter, length, depth + 2));
        }
        final Class<?> capturing = JavaSerialization.loadClass(capturingClass.replace('/', '.'));
        final SerializedLambda lambda = new SerializedLambda(capturing, functionalInterfaceClass,
            functionalInterfaceMethodName, functionalInterfaceMethodSignature, implMethodKind, implClass,
            implMethodName, implMethodSignature, instantiatedMethodType, captured.toArray());
        final Method deserializer = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
        deserializer.setAccessible(true);
        try
        {
            return deserializer.invoke(null, lambda);
        }
        catch (final InvocationTargetException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause; // e.g. IllegalArgumentException("Invalid lambda deserialization") from a changed class
            }
            throw ex;
        }
    }

    private static Object readValue(final DataInputStream in, final ObjectInputFilter filter, final long length,
        final int depth) throws Exception
    {
        final byte tag = in.readByte();
        final Object value = switch (tag)
        {
            case NULL -> null;
            case STRING -> in.readUTF();
            case BOOLEAN -> in.readBoolean();
            case BYTE -> in.readByte();
            case SHORT -> in.readShort();
            case CHARACTER -> in.readChar();
            case INTEGER -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case LAMBDA -> readBody(in, filter, length, depth);
            case ENUM -> readEnum(in, filter, length, depth);
            default -> throw new IOException("unknown captured value tag=" + tag);
        };
        if (value != null && tag != LAMBDA && tag != ENUM)
        {
            check(filter, value.getClass(), -1, depth, length);
        }
        return value;
    }

    private static Object readEnum(final DataInputStream in, final ObjectInputFilter filter, final long length,
        final int depth) throws Exception
    {
        final Class<?> type = JavaSerialization.loadClass(in.readUTF());
        final String name = in.readUTF();
        check(filter, type, -1, depth, length); // before any of the enum's code runs, as a stream would
        if (!type.isEnum())
        {
            throw new IOException("not an enum: class=" + type.getName());
        }
        for (final Object constant : type.getEnumConstants())
        {
            if (((Enum<?>)constant).name().equals(name))
            {
                return constant;
            }
        }
        throw new IOException("no such enum constant: class=" + type.getName() + " name=" + name);
    }

    private static void check(final ObjectInputFilter filter, final Class<?> type, final long arrayLength,
        final long depth, final long length) throws LambdaRejectedException
    {
        if (filter != null && filter.checkInput(new Info(type, arrayLength, depth, length)) == ObjectInputFilter.Status.REJECTED)
        {
            throw new LambdaRejectedException("class=" + type.getTypeName());
        }
    }

    /** What a stream of the lambda would show the filter at one of its objects. */
    private record Info(Class<?> serialClass, long arrayLength, long depth, long streamBytes)
        implements ObjectInputFilter.FilterInfo
    {
        @Override
        public long references()
        {
            return depth;
        }
    }
}
