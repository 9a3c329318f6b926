package io.mp4j.codec;

import io.mp4j.DeserializationRejectedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeserializationFilterTest
{
    record Point(int x, String label) implements Serializable
    {
        private static final long serialVersionUID = 1L;
    }

    @AfterEach
    void resetFilter()
    {
        DeserializationFilter.configure(null);
        System.clearProperty(DeserializationFilter.PROPERTY);
    }

    @Test
    void shouldAcceptAnySerializableClassByDefault()
    {
        assertNull(DeserializationFilter.pattern());
        final URI uri = URI.create("mp4j://host/path");
        assertEquals(uri, Codec.decode(Codec.encode(uri)));
    }

    @Test
    void shouldAcceptClassesOfAnAllowListAndMp4jsOwn()
    {
        DeserializationFilter.configure("java.net.URI;!*");
        final List<Object> values = new ArrayList<>(List.of(URI.create("mp4j://a"), new Point(1, "p"), 7L, "s"));
        assertEquals(values, Codec.decode(Codec.encode(values)));
        final PoolLike lambda = x -> x + 1;
        assertEquals(3, ((PoolLike)Codec.decode(Codec.encode(lambda))).apply(2));
    }

    @Test
    void shouldRejectAClassOutsideTheAllowListNamingIt()
    {
        DeserializationFilter.configure("!*");
        final byte[] encoded = Codec.encode(new ArrayList<>(List.of(1, URI.create("mp4j://a"))));
        final DeserializationRejectedException ex =
            assertThrows(DeserializationRejectedException.class, () -> Codec.decode(encoded));
        assertTrue(ex.getMessage().contains("class=java.net.URI"), ex.getMessage());
        assertTrue(ex.getMessage().contains("mp4j.serialFilter=!*"), ex.getMessage());
    }

    @Test
    void shouldReadThePatternFromTheSystemProperty()
    {
        System.setProperty(DeserializationFilter.PROPERTY, "!java.net.URI");
        assertEquals("!java.net.URI", DeserializationFilter.pattern());
        final byte[] encoded = Codec.encode(URI.create("mp4j://a"));
        assertThrows(DeserializationRejectedException.class, () -> Codec.decode(encoded));
        System.setProperty(DeserializationFilter.PROPERTY, "!java.net.URL");
        assertEquals(URI.create("mp4j://a"), Codec.decode(encoded));
    }

    @Test
    void shouldRejectAGraphDeeperThanTheDefaultLimit()
    {
        assertEquals(nested(150), Codec.decode(Codec.encode(nested(150))));
        final byte[] bomb = Codec.encode(nested(300));
        final DeserializationRejectedException ex =
            assertThrows(DeserializationRejectedException.class, () -> Codec.decode(bomb));
        assertTrue(ex.getMessage().contains("maxdepth=" + DeserializationFilter.DEFAULT_MAX_DEPTH), ex.getMessage());
        DeserializationFilter.configure("maxdepth=1000");
        assertEquals(nested(300), Codec.decode(bomb));
    }

    @Test
    void shouldRejectAnArrayLongerThanItsMessageBeforeAllocatingIt() throws IOException
    {
        final int marker = 0x5A5A5A5A;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes))
        {
            out.writeObject(new ArrayList<>(List.of(new int[] {marker})));
        }
        // The stream says the array has Integer.MAX_VALUE - 8 elements but holds one.
        final byte[] stream = bytes.toByteArray();
        final byte[] lengthThenElement = {0, 0, 0, 1, 0x5A, 0x5A, 0x5A, 0x5A};
        final int at = indexOf(stream, lengthThenElement);
        stream[at] = 0x7F;
        stream[at + 1] = (byte)0xFF;
        stream[at + 2] = (byte)0xFF;
        stream[at + 3] = (byte)0xF7;
        final byte[] encoded = new byte[1 + stream.length];
        encoded[0] = CodecDescriptor.SERIALIZED;
        System.arraycopy(stream, 0, encoded, 1, stream.length);

        final DeserializationRejectedException ex =
            assertThrows(DeserializationRejectedException.class, () -> Codec.decode(encoded));
        assertTrue(ex.getMessage().contains("class=int[] arrayLength=" + (Integer.MAX_VALUE - 8)), ex.getMessage());
    }

    @Test
    void shouldNotFilterDirectValues()
    {
        DeserializationFilter.configure("!*;maxdepth=1;maxarray=1;maxbytes=1");
        assertEquals("text", Codec.decode(Codec.encode("text")));
        assertEquals(42L, Codec.decode(Codec.encode(42L)));
        assertArrayEquals(new int[] {1, 2, 3}, (int[])Codec.decode(Codec.encode(new int[] {1, 2, 3})));
        assertEquals(Arrays.asList(1L, 2L), Codec.decodeList(Codec.encodeList(List.of(1L, 2L))));
    }

    @Test
    void shouldHonourTheJvmWideFilter() throws Exception
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Process jvm = new ProcessBuilder(java.toString(), "-Djdk.serialFilter=!java.net.URI",
            "-cp", System.getProperty("java.class.path"), JvmWideFilterMain.class.getName())
            .redirectErrorStream(true)
            .start();
        final String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), output);
        assertTrue(output.startsWith("refused " + DeserializationRejectedException.class.getName()) &&
            output.contains("class=java.net.URI jdk.serialFilter=!java.net.URI"), output);
    }

    @Test
    void shouldRefuseAMalformedPattern()
    {
        assertThrows(IllegalArgumentException.class, () -> DeserializationFilter.configure("maxdepth=x"));
        assertNull(DeserializationFilter.pattern());
    }

    interface PoolLike extends Serializable
    {
        int apply(int x);
    }

    private static List<Object> nested(final int depth)
    {
        List<Object> list = new ArrayList<>();
        for (int i = 1; i < depth; i++)
        {
            final List<Object> outer = new ArrayList<>();
            outer.add(list);
            list = outer;
        }
        return list;
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
