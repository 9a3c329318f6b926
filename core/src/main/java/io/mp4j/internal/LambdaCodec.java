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
     * Rebuilds an encoded lambda. The bytes are read whole first; then, as a stream of the lambda would, the
     * filter is asked about each object before it is made: the {@link SerializedLambda}, its capturing class
     * (before that class is initialised), its array of captured values, each value (and a box's
     * {@link Number} or an enum's {@link Enum}), and the lambda that the capturing class returns.
     *
     * @param bytes  bytes that {@link #isEncodedLambda} accepts.
     * @param filter the filter, or null for none.
     * @return the lambda.
     * @throws IOException                   if the bytes are corrupt or nest deeper than the encoder does.
     * @throws ClassNotFoundException        if a class they name cannot be loaded.
     * @throws LambdaRejectedException       if the filter refused a class or a limit.
     * @throws ReflectiveOperationException  if the capturing class has no lambda deserializer.
     * @throws IllegalArgumentException      if the capturing class refuses to rebuild it (it has changed).
     */
    static Object decode(final byte[] bytes, final ObjectInputFilter filter) throws Exception
    {
        final Body body;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes)))
        {
            if (in.readInt() != MAGIC)
            {
                throw new IOException("not an encoded lambda");
            }
            body = readBody(in, 0);
            if (in.read() != -1)
            {
                throw new IOException("trailing bytes after the lambda");
            }
        }
        // Read whole before any class is loaded; then built, each object checked as a stream would show it.
        return new Building(filter, bytes.length).build(body, 1);
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

    private static Body readBody(final DataInputStream in, final int depth) throws IOException
    {
        if (depth > MAX_DEPTH)
        {
            throw new IOException("lambdas nested deeper than " + MAX_DEPTH);
        }
        final String[] names = new String[7];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = in.readUTF();
        }
        final int implMethodKind = in.readUnsignedByte();
        final String instantiatedMethodType = in.readUTF();
        final int count = in.readUnsignedByte();
        final List<Object> captured = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            captured.add(readValue(in, depth));
        }
        return new Body(names, implMethodKind, instantiatedMethodType, captured);
    }

    private static Object readValue(final DataInputStream in, final int depth) throws IOException
    {
        final byte tag = in.readByte();
        return switch (tag)
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
            case LAMBDA -> readBody(in, depth + 1);
            case ENUM -> new EnumConstant(in.readUTF(), in.readUTF());
            default -> throw new IOException("unknown captured value tag=" + tag);
        };
    }

    /** A lambda as read: its {@link SerializedLambda}'s names (capturing class first), kind, type and captured values. */
    private record Body(String[] names, int implMethodKind, String instantiatedMethodType, List<Object> captured)
    {
    }

    /** An enum constant as read: its class's name and its own. */
    private record EnumConstant(String className, String name)
    {
    }

    /** Builds what was read, asking the filter about each object before it exists, in a stream's order. */
    private static final class Building
    {
        private final ObjectInputFilter filter;
        private final long length;
        private long references;

        Building(final ObjectInputFilter filter, final long length)
        {
            this.filter = filter;
            this.length = length;
        }

        Object build(final Body body, final int depth) throws Exception
        {
            check(SerializedLambda.class, -1, depth);
            final Class<?> capturing = JavaSerialization.loadClass(body.names()[0].replace('/', '.'));
            check(capturing, -1, depth + 1); // before its static initializer runs, as a stream would
            check(Object[].class, body.captured().size(), depth + 1);
            final Object[] captured = new Object[body.captured().size()];
            for (int i = 0; i < captured.length; i++)
            {
                captured[i] = value(body.captured().get(i), depth + 2);
            }
            final String[] names = body.names();
            final SerializedLambda lambda = new SerializedLambda(capturing, names[1], names[2], names[3],
                body.implMethodKind(), names[4], names[5], names[6], body.instantiatedMethodType(), captured);
            final Method deserializer = capturing.getDeclaredMethod("$deserializeLambda$", SerializedLambda.class);
            deserializer.setAccessible(true);
            final Object rebuilt;
            try
            {
                rebuilt = deserializer.invoke(null, lambda);
            }
            catch (final InvocationTargetException ex)
            {
                if (ex.getCause() instanceof Exception cause)
                {
                    throw cause; // e.g. IllegalArgumentException("Invalid lambda deserialization") from a changed class
                }
                throw ex;
            }
            check(rebuilt.getClass(), -1, depth); // what readResolve returned, as a stream checks it too
            return rebuilt;
        }

        private Object value(final Object read, final int depth) throws Exception
        {
            if (read instanceof Body nested)
            {
                return build(nested, depth);
            }
            if (read instanceof EnumConstant constant)
            {
                final Class<?> type = JavaSerialization.loadClass(constant.className());
                check(type, -1, depth); // before any of the enum's code runs, as a stream would
                check(Enum.class, -1, depth);
                return enumConstant(type, constant.name());
            }
            if (read != null)
            {
                check(read.getClass(), -1, depth);
                if (read instanceof Number)
                {
                    check(Number.class, -1, depth); // the boxes' serializable superclass, as a stream describes it
                }
            }
            return read;
        }

        private void check(final Class<?> type, final long arrayLength, final long depth) throws LambdaRejectedException
        {
            references++;
            if (filter != null &&
                filter.checkInput(new Info(type, arrayLength, depth, references, length)) == ObjectInputFilter.Status.REJECTED)
            {
                throw new LambdaRejectedException("class=" + type.getTypeName());
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"}) // as ObjectInputStream reads an enum constant
    private static Object enumConstant(final Class<?> type, final String name) throws IOException
    {
        if (!type.isEnum())
        {
            throw new IOException("not an enum: class=" + type.getName());
        }
        try
        {
            return Enum.valueOf((Class)type, name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException("no such enum constant: class=" + type.getName() + " name=" + name, ex);
        }
    }

    /** What a stream of the lambda would show the filter at one of its objects. */
    private record Info(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
        implements ObjectInputFilter.FilterInfo
    {
    }
}
