package io.mp4j.process.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a child's output is copied a line at a time. */
class OutputLinesTest
{
    private final List<String> writes = new ArrayList<>();
    private final PrintStream to = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)
    {
        @Override
        public void write(final byte[] bytes, final int offset, final int length)
        {
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
    };

    @Test
    void shouldWriteEachWholeLineOnceAndEndTheLastLine()
    {
        final OutputLines lines = new OutputLines(() -> to);
        lines.copy(bytes("one\ntw"), 0, 6);
        lines.copy(bytes("o\nthree"), 0, 7);
        assertEquals(List.of("one\n", "two\n"), writes);

        lines.finish();
        assertEquals(List.of("one\n", "two\n", "three\n"), writes);
    }

    @Test
    void shouldWriteLineWithoutEndInPiecesRatherThanHoldItAll()
    {
        final byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte)'#');
        final int chunks = 3 * OutputLines.MAX_LINE_BYTES / chunk.length;
        final byte[] all = new byte[chunks * chunk.length];
        Arrays.fill(all, (byte)'#');

        OutputLines.copyAll(new ByteArrayInputStream(all), () -> to);

        assertTrue(writes.size() >= 3, "written as it came: " + writes.size() + " writes");
        assertTrue(writes.stream().allMatch(piece -> piece.length() <= OutputLines.MAX_LINE_BYTES + chunk.length));
        assertEquals(new String(all, StandardCharsets.UTF_8) + '\n', String.join("", writes));
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
