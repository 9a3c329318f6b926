package io.mp4j.internal;

import io.mp4j.DeserializationRejectedException;
import io.mp4j.EncodingException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.lang.invoke.SerializedLambda;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LambdaCodecTest
{
    @FunctionalInterface
    interface Text extends Serializable
    {
        String get();
    }

    @FunctionalInterface
    interface Step extends Serializable
    {
        int apply(int value);
    }

    @AfterEach
    void resetFilter()
    {
        SerialFilter.configure(null);
    }

    @Test
    void shouldRebuildLambdaThatCapturesNothing()
    {
        final Text text = () -> "nothing captured";

        final byte[] bytes = JavaSerialization.serialize(text, "target");

        assertTrue(LambdaCodec.isEncodedLambda(bytes));
        final Text rebuilt = (Text)JavaSerialization.deserialize(bytes, "target");
        assertEquals("nothing captured", rebuilt.get());
    }

    @Test
    void shouldRebuildEveryKindOfPlainCapture()
    {
        final String name = same("ünïcode ✓");
        final int count = same(-7);
        final long big = same(Long.MIN_VALUE + 1);
        final double ratio = same(0.1);
        final float half = same(0.5f);
        final boolean flag = same(true);
        final byte small = same((byte)-128);
        final short middle = same(Short.MAX_VALUE);
        final char letter = same('λ');
        final TimeUnit unit = TimeUnit.MICROSECONDS;
        final String absent = null;
        final Text text = () -> String.join("|", name, String.valueOf(count), String.valueOf(big), String.valueOf(ratio),
            String.valueOf(half), String.valueOf(flag), String.valueOf(small), String.valueOf(middle),
            String.valueOf(letter), unit.name(), String.valueOf(absent));

        final byte[] bytes = JavaSerialization.serialize(text, "target");

        assertTrue(LambdaCodec.isEncodedLambda(bytes));
        assertEquals(text.get(), ((Text)JavaSerialization.deserialize(bytes, "target")).get());
    }

    @Test
    void shouldRebuildLambdasCapturedByLambdas()
    {
        final Step addOne = value -> value + 1;
        final Step twice = value -> addOne.apply(addOne.apply(value));
        final Text text = () -> "result=" + twice.apply(40);

        final byte[] bytes = JavaSerialization.serialize(text, "target");

        assertTrue(LambdaCodec.isEncodedLambda(bytes));
        final Text rebuilt = (Text)JavaSerialization.deserialize(bytes, "target");
        assertEquals("result=42", rebuilt.get());
        assertNotSame(text, rebuilt);
    }

    @Test
    void shouldLeaveOtherCapturesAndObjectsToJavaSerialization()
    {
        final List<Integer> list = List.of(1, 2, 3);
        final Text capturesList = () -> "sum=" + list.stream().mapToInt(Integer::intValue).sum();
        final int[] array = {4, 5};
        final Text capturesArray = () -> Arrays.toString(array);

        for (final Object value : List.of(capturesList, capturesArray, new java.util.ArrayList<>(list), "plain"))
        {
            final byte[] bytes = JavaSerialization.serialize(value, "value");
            assertFalse(LambdaCodec.isEncodedLambda(bytes));
            assertEquals((byte)0xAC, bytes[0]);
        }
        assertEquals("sum=6", ((Text)JavaSerialization.deserialize(
            JavaSerialization.serialize(capturesList, "target"), "target")).get());
    }

    @Test
    void shouldRefuseWhatTheFilterRefusesAsAStreamWould() throws Exception
    {
        final String name = same("refused");
        final TimeUnit unit = TimeUnit.DAYS;
        final int count = same(3);
        final Text text = () -> name + unit + count;
        final byte[] bytes = JavaSerialization.serialize(text, "target");

        // The capturing class is asked about before it is initialised; Number and Enum as a stream describes them.
        for (final Class<?> refused : List.of(SerializedLambda.class, LambdaCodecTest.class, Object[].class,
            String.class, TimeUnit.class, Enum.class, Integer.class, Number.class))
        {
            final ObjectInputFilter filter =
                info -> info.serialClass() == refused ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
            final LambdaCodec.LambdaRejectedException thrown =
                assertThrows(LambdaCodec.LambdaRejectedException.class, () -> LambdaCodec.decode(bytes, filter),
                    refused::getName);
            assertTrue(thrown.getMessage().contains("class=" + refused.getTypeName()), thrown.getMessage());
        }
        final ObjectInputFilter noLambdaClasses = info -> info.serialClass() != null && info.serialClass().isHidden() ?
            ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
        assertThrows(LambdaCodec.LambdaRejectedException.class, () -> LambdaCodec.decode(bytes, noLambdaClasses),
            "the lambda the capturing class returns is checked too");
        final ObjectInputFilter fewReferences = info -> info.references() > 3 ?
            ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
        assertThrows(LambdaCodec.LambdaRejectedException.class, () -> LambdaCodec.decode(bytes, fewReferences));

        SerialFilter.configure("maxdepth=1");
        final DeserializationRejectedException rejected = assertThrows(DeserializationRejectedException.class,
            () -> JavaSerialization.deserialize(bytes, "target"));
        assertTrue(rejected.getMessage().contains("target rejected by the deserialization filter"), rejected.getMessage());
    }

    @Test
    void shouldRefuseLambdasNestedDeeperThanTheEncoderWrites() throws IOException
    {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(written))
        {
            out.writeInt(LambdaCodec.MAGIC);
            for (int level = 0; level < 10_000; level++)
            {
                for (int i = 0; i < 7; i++)
                {
                    out.writeUTF("a");
                }
                out.writeByte(6);
                out.writeUTF("()V");
                out.writeByte(1); // one captured value: the next lambda
                out.writeByte(10);
            }
        }

        final EncodingException refused = assertThrows(EncodingException.class,
            () -> JavaSerialization.deserialize(written.toByteArray(), "target"));
        assertTrue(refused.getMessage().contains("nested deeper than"), refused.getMessage());
    }

    @Test
    void shouldFailClearlyOnCorruptBytesAndMissingClasses() throws IOException
    {
        final byte[] bytes = JavaSerialization.serialize((Text)() -> "x", "target");

        final byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        final EncodingException corrupt =
            assertThrows(EncodingException.class, () -> JavaSerialization.deserialize(truncated, "target"));
        assertTrue(corrupt.getMessage().startsWith("target cannot be deserialized: length=" + truncated.length),
            corrupt.getMessage());

        final byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(EncodingException.class, () -> JavaSerialization.deserialize(trailing, "target"));

        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(written))
        {
            out.writeInt(LambdaCodec.MAGIC);
            for (final String text : List.of("no/such/Capturing", "io/mp4j/internal/LambdaCodecTest$Text", "get",
                "()Ljava/lang/String;", "no/such/Capturing", "lambda$x$0", "()Ljava/lang/String;"))
            {
                out.writeUTF(text);
            }
            out.writeByte(6);
            out.writeUTF("()Ljava/lang/String;");
            out.writeByte(0);
        }
        final EncodingException missing = assertThrows(EncodingException.class,
            () -> JavaSerialization.deserialize(written.toByteArray(), "target"));
        assertTrue(missing.getMessage().contains("names a class this JVM cannot load: class=no.such.Capturing"),
            missing.getMessage());
    }

    /** Its argument, as a value the compiler cannot inline into a lambda as a constant: the lambda captures it. */
    private static <T> T same(final T value)
    {
        return value;
    }

    @Test
    void shouldEncodeTheSameLambdaToTheSameBytes()
    {
        final Text text = () -> "same";

        assertArrayEquals(JavaSerialization.serialize(text, "target"), JavaSerialization.serialize(text, "target"));
    }
}
